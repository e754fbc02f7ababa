import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** How long to keep trying before failing the test. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What was awaited, in the failure message; a function is evaluated at failure time (for last seen state). */
  readonly message?: string | (() => string);
}

type Met<T> = Exclude<T, undefined | null | false>;

/**
 * Polls `check` until it returns something other than undefined, null or false, and returns it.
 * A throwing check counts as "not yet"; on timeout the error names what was awaited and the last
 * error seen, so a failing test says why.
 *
 * @example
 * const mapping = await waitFor(async () => {
 *   const got = await lambda.send(new GetEventSourceMappingCommand({ UUID }));
 *   return got.State === 'Enabled' ? got : undefined;
 * }, { timeoutMs: 10_000, message: 'mapping never became Enabled' });
 */
export async function waitFor<T>(check: () => Promise<T> | T, options: WaitForOptions = {}): Promise<Met<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value as Met<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = typeof options.message === 'function' ? options.message() : (options.message ?? 'a condition');
      const why = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${what}${why}`, { cause: lastError });
    }
    await sleep(options.intervalMs ?? 100);
  }
}
