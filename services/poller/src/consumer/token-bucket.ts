/**
 * A token bucket on an injected clock (pure: no timers, no Date): `ratePerSecond` tokens flow in,
 * at most `capacity` are kept, and each call the bucket paces takes one. With capacity 1, calls are
 * spaced at least 1/rate apart, so any window of T seconds holds at most 1 + rate * T of them.
 *
 * @example
 * const bucket = new TokenBucket({ ratePerSecond: 2.5, capacity: 1 }, now);
 * if (bucket.msUntilToken(now) === 0) { bucket.take(now); read(); }
 */
/** Refills add fractions of a token; a sum that float rounding left a hair short of whole counts as whole. */
const WHOLE = 1 - 1e-9;

export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly options: { readonly ratePerSecond: number; readonly capacity: number },
    nowMs: number,
  ) {
    if (!(options.ratePerSecond > 0) || !(options.capacity >= 1)) throw new RangeError('a token bucket needs a positive rate and a capacity of at least 1');
    this.tokens = options.capacity;
    this.updatedAtMs = nowMs;
  }

  /** How long until a whole token is there: 0 when one is there now. */
  msUntilToken(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= WHOLE ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.options.ratePerSecond);
  }

  /** Takes a token (the call goes out now); the bucket may go below zero, delaying the next one. */
  take(nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= 1;
  }

  /** Empties the bucket: the service said we went too fast (throttled), so the next call waits a whole interval. */
  drain(nowMs: number): void {
    this.refill(nowMs);
    this.tokens = Math.min(this.tokens, 0);
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.updatedAtMs);
    this.tokens = Math.min(this.options.capacity, this.tokens + (elapsed * this.options.ratePerSecond) / 1000);
    this.updatedAtMs = Math.max(this.updatedAtMs, nowMs);
  }
}
