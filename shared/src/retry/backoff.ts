export interface BackoffOptions {
  /** Delay before the first retry, ms. */
  readonly baseMs: number;
  /** Upper bound of any delay, ms. */
  readonly maxMs: number;
}

/**
 * Capped exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, base * 2^(n-1)), so retries never bunch up yet always wait.
 * Pure: `random` is injected (tests pass a constant).
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
