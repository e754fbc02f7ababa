import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Named in the timeout error: `timed out after 5000 ms waiting for <description>`. */
  readonly description: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked before every attempt; a thrown value ends the wait with that error. */
  readonly abortIf?: () => Error | undefined;
}

/**
 * Calls `attempt` until it returns a value other than undefined, and returns that value.
 * Errors from `attempt` count as "not yet" (services refuse connections while they start);
 * the last one is kept as the cause of the timeout error.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortIf?.();
    if (abort !== undefined) throw abort;
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.description}${why}`, {
        cause: lastError,
      });
    }
    await sleep(options.intervalMs ?? 100);
  }
}
