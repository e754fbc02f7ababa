import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ErrorCode, SluiceError, moduleLeavesFunctionsDir } from '@sluice/shared';

/**
 * The endings Lambda's Node runtime tries, in order, for a module named without one (`index` in
 * `index.handler`): the name as it is, then .js, .mjs and .cjs.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
const LAMBDA_ENDINGS = ['', '.js', '.mjs', '.cjs'] as const;

/**
 * The file a node function's Module names, as a real path (symbolic links followed), when it lies
 * inside SLUICE_FUNCTIONS_DIR; otherwise a non-retryable InvokerUnavailable, and nothing runs. The
 * API refuses an absolute or climbing Module at registration, but a function registered before that
 * check, or a symbolic link out of the directory, reaches the runtime: this is the check that holds.
 * A Module without a .js/.mjs/.cjs ending is looked up with Lambda's endings. A file that does not
 * exist (yet) gives its lexical path with `found` false, and its import fails as Lambda's
 * Runtime.ImportModuleError.
 */
export async function resolveFunctionModule(functionsDir: string, realFunctionsDir: string, fn: { name: string; module: string }): Promise<{ path: string; found: boolean }> {
  const outside = (where: string) =>
    new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name}: Module "${fn.module}" is outside SLUICE_FUNCTIONS_DIR (${where}); it is not run`, { retryable: false });
  if (moduleLeavesFunctionsDir(fn.module)) throw outside(functionsDir);
  const path = resolve(functionsDir, fn.module);
  const endings = /\.[cm]?js$/.test(path) ? [''] : LAMBDA_ENDINGS;
  for (const ending of endings) {
    const found = await realEntry(`${path}${ending}`, fn);
    if (found === undefined) continue;
    const inside = relative(realFunctionsDir, found.real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) throw outside(`it resolves to ${found.real}`);
    if (found.isFile) return { path: found.real, found: true };
  }
  return { path, found: false };
}

/** What is at `candidate`, symbolic links followed: its real path and whether it is a file; undefined when nothing is. */
async function realEntry(candidate: string, fn: { name: string; module: string }): Promise<{ real: string; isFile: boolean } | undefined> {
  try {
    const real = await realpath(candidate);
    return { real, isFile: (await stat(real)).isFile() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name}: Module "${fn.module}" cannot be resolved`, { retryable: false, cause: error });
  }
}
