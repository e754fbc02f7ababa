import { isAbsolute, normalize, sep } from 'node:path';

/**
 * Whether a node function's Module names a file outside SLUICE_FUNCTIONS_DIR by its text alone: an
 * absolute path, or `..` segments that climb out of the directory. Symbolic links are not seen here;
 * the runtime resolves real paths on the worker's own files before it runs anything.
 */
export function moduleLeavesFunctionsDir(module: string): boolean {
  if (isAbsolute(module)) return true;
  const normal = normalize(module);
  return normal === '..' || normal.startsWith(`..${sep}`);
}

