import type { ManagedProcess } from './managed-process.js';
import { pollUntil } from './poll-until.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

/**
 * Waits until a just-started service answers `probe`. Fails fast, with the child's own last words,
 * if it exits first (a taken port, a missing file), and with ServiceNotReady on timeout.
 */
export async function waitForService(
  child: ManagedProcess,
  probe: () => Promise<boolean>,
  options: { readonly timeoutMs: number; readonly what: string },
): Promise<void> {
  const withOutput = (message: string) => {
    const output = child.outputTail();
    return output === '' ? message : `${message}; its output ends with:\n${output}`;
  };
  try {
    await pollUntil(async () => ((await probe()) ? true : undefined), {
      description: options.what,
      timeoutMs: options.timeoutMs,
      intervalMs: 100,
      abortIf: () =>
        child.hasExited()
          ? new LocalStackError(LocalStackErrorCode.ServiceExited, withOutput(`${child.name} exited while starting`))
          : undefined,
    });
  } catch (error) {
    await child.stop();
    if (error instanceof LocalStackError) throw error;
    throw new LocalStackError(
      LocalStackErrorCode.ServiceNotReady,
      withOutput(`${child.name} did not answer within ${options.timeoutMs} ms`),
      { cause: error },
    );
  }
}
