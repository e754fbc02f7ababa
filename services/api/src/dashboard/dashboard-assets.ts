import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface DashboardAsset {
  readonly type: string;
  readonly body: Buffer;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The dashboard's built files (services/api/dashboard-ui, bundled by `npm run build` into `dir`),
 * read once at boot: a few tens of kilobytes, served from memory. Undefined when not built.
 */
export function loadDashboardAssets(dir: string): ReadonlyMap<string, DashboardAsset> | undefined {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const assets = new Map<string, DashboardAsset>();
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return assets.has('index.html') ? assets : undefined;
}
