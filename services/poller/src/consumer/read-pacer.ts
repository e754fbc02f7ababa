import { backoffDelay, type BackoffOptions } from '@sluice/shared';
import { TokenBucket } from './token-bucket.js';

/** The first wait after a read found the shard's tip; it doubles while the shard stays quiet. */
export const FIRST_IDLE_WAIT_MS = 20;

export interface ReadPacerOptions {
  /** SLUICE_POLL_INTERVAL_MS: the longest a quiet shard waits between reads. */
  readonly pollIntervalMs: number;
  /** SLUICE_SHARD_READS_PER_SECOND: this shard's share of the stream service's read limit. */
  readonly readsPerSecond: number;
  /** Waits after consecutive failed calls (shared/src/retry/backoff.ts: exponential, jittered). */
  readonly backoff: BackoffOptions;
  readonly random?: () => number;
}

/**
 * When one shard's next read may go out (pure: the caller passes the time). Three rules, the
 * latest wins:
 *
 * - the share: a token bucket of capacity 1 at `readsPerSecond`, so however fast records come,
 *   reads stay within the share. Kinesis allows 5 GetRecords a second per shard, shared by every
 *   consumer of the shard (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html);
 *   a throttled read empties the bucket.
 * - quiet shards: after a read that found the tip, wait 20 ms, doubling while reads come back
 *   empty, up to `pollIntervalMs` (Lambda polls an idle shard about once a second:
 *   https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html). A read with records resets it.
 * - failures: after the n-th consecutive failed call, backoffDelay(n); a fault that retrying
 *   cannot mend (`retryable` false) waits the longest backoff at once, rather than retrying at
 *   full speed.
 */
export class ReadPacer {
  private readonly bucket: TokenBucket;
  private readonly random: () => number;
  private emptyReads = 0;
  private failures = 0;
  private notBeforeMs = 0;

  constructor(
    private readonly options: ReadPacerOptions,
    nowMs: number,
  ) {
    this.bucket = new TokenBucket({ ratePerSecond: options.readsPerSecond, capacity: 1 }, nowMs);
    this.random = options.random ?? Math.random;
  }

  /** Failed calls in a row (reads or opens); 0 after a success. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The earliest time the next read may start. */
  nextReadAt(nowMs: number): number {
    return Math.max(this.notBeforeMs, nowMs + this.bucket.msUntilToken(nowMs));
  }

  /** A read goes out now: it spends a token. */
  readStarted(nowMs: number): void {
    this.bucket.take(nowMs);
  }

  /** A read answered: `empty` (no records), `caughtUp` (at the tip: nothing more to read right now). */
  readSucceeded(nowMs: number, read: { readonly empty: boolean; readonly caughtUp: boolean }): void {
    this.failures = 0;
    this.emptyReads = read.empty ? this.emptyReads + 1 : 0;
    this.notBeforeMs = read.caughtUp ? nowMs + this.idleWaitMs() : 0;
  }

  /** A call on the shard failed (a read, or opening it); returns the wait before the next try. */
  callFailed(nowMs: number, fault: { readonly retryable: boolean; readonly throttled: boolean }): number {
    this.failures += 1;
    if (fault.throttled) this.bucket.drain(nowMs);
    const waitMs = fault.retryable ? backoffDelay(this.failures, this.options.backoff, this.random) : this.options.backoff.maxMs;
    this.notBeforeMs = nowMs + waitMs;
    return waitMs;
  }

  private idleWaitMs(): number {
    return Math.min(this.options.pollIntervalMs, FIRST_IDLE_WAIT_MS * 2 ** Math.min(Math.max(0, this.emptyReads - 1), 16));
  }
}
