// Bundles the dashboard (src/main.tsx, Preact and uPlot) into services/api/dist/dashboard-ui/:
// index.html, app.js and app.css, which the API serves from memory (routes/dashboard.ts). Run by
// `npm run build` after tsc -b; esbuild does not type-check: `npm run lint` does (tsconfig.json here).
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const out = here('../dist/dashboard-ui/');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: here('src/main.tsx') },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
  // Preact's development checks stay out of the page.
  define: { 'process.env.NODE_ENV': '"production"' },
});
await copyFile(here('src/index.html'), `${out}index.html`);
const sizes = await Promise.all(['app.js', 'app.css'].map(async (name) => `${name} ${((await stat(out + name)).size / 1024).toFixed(1)} KiB`));
console.log(`dashboard built: ${sizes.join(', ')}`);
