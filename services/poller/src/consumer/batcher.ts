import type { StreamRecord } from '@sluice/shared';

/**
 * Lambda's synchronous invoke payload limit: a batch is cut before `{"Records":[...]}` would pass it.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html#invocation-eventsourcemapping-batching
 */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const ENVELOPE_BYTES = '{"Records":[]}'.length;

export interface BatchLimits {
  readonly batchSize: number;
  readonly maxPayloadBytes: number;
  /** MaximumBatchingWindowInSeconds in ms; 0 sends as soon as records are there. */
  readonly windowMs: number;
}

/**
 * The first records of a lane's buffer that make one invocation: at most BatchSize and within the
 * payload cap (a single record over the cap still goes alone: the function decides what to do).
 */
export function takeBatch(buffer: readonly StreamRecord[], limits: BatchLimits): StreamRecord[] {
  let bytes = ENVELOPE_BYTES;
  let count = 0;
  for (const record of buffer) {
    if (count >= limits.batchSize) break;
    const next = bytes + record.sizeBytes + (count === 0 ? 0 : 1);
    if (count > 0 && next > limits.maxPayloadBytes) break;
    bytes = next;
    count += 1;
  }
  return buffer.slice(0, count);
}

/**
 * Whether a lane should invoke now: its buffer fills a batch (by count or bytes), the batching
 * window that began when the lane went idle has passed, or the shard ended and this is what is left.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-batchwindow
 */
export function isBatchReady(
  buffer: readonly StreamRecord[],
  limits: BatchLimits,
  windowStartedAtMs: number,
  nowMs: number,
  shardEnded: boolean,
): boolean {
  if (buffer.length === 0) return false;
  if (limits.windowMs === 0 || shardEnded) return true;
  if (buffer.length >= limits.batchSize) return true;
  if (takeBatch(buffer, limits).length < buffer.length) return true;
  return nowMs - windowStartedAtMs >= limits.windowMs;
}
