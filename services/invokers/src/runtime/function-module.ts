import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ErrorCode, SluiceError, moduleLeavesFunctionsDir } from '@sluice/shared';

/**
 * The file a node function's Module names, as a real path (symbolic links followed), when it lies
 * inside SLUICE_FUNCTIONS_DIR; otherwise a non-retryable InvokerUnavailable, and nothing runs. The
 * API refuses an absolute or climbing Module at registration, but a function registered before that
 * check, or a symbolic link out of the directory, reaches the runtime: this is the check that holds.
 * A file that does not exist (yet) gives its lexical path with `found` false, and its import fails
 * as Lambda's Runtime.ImportModuleError.
 */
export async function resolveFunctionModule(functionsDir: string, realFunctionsDir: string, fn: { name: string; module: string }): Promise<{ path: string; found: boolean }> {
  const outside = (where: string) =>
    new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name}: Module "${fn.module}" is outside SLUICE_FUNCTIONS_DIR (${where}); it is not run`, { retryable: false });
  if (moduleLeavesFunctionsDir(fn.module)) throw outside(functionsDir);
  const path = resolve(functionsDir, fn.module);
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return { path, found: false };
    throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name}: Module "${fn.module}" cannot be resolved`, { retryable: false, cause: error });
  }
  const inside = relative(realFunctionsDir, real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) throw outside(`it resolves to ${real}`);
  return { path: real, found: true };
}
