import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The program an execution environment runs, and the Node flags it needs. */
export interface ChildEntry {
  readonly path: string;
  readonly execArgv: readonly string[];
}

/**
 * The compiled runtime-child.js beside this file. When Sluice runs from its TypeScript sources
 * (vitest), the child is the .ts file, loaded through tsx, a dev dependency.
 */
export function defaultChildEntry(): ChildEntry {
  if (!import.meta.url.endsWith('.ts')) return { path: fileURLToPath(new URL('./runtime-child.js', import.meta.url)), execArgv: [] };
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return { path: fileURLToPath(new URL('./runtime-child.ts', import.meta.url)), execArgv: ['--import', pathToFileURL(tsx).href] };
}
