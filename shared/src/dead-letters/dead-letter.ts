import type { AsyncInvocationRecord } from '../destinations/async-invocation-record.js';
import type { StreamFailureRecord } from '../destinations/stream-failure-record.js';

/**
 * What was parked: a stream (sub-)batch, or an asynchronous event (an Event invoke or an S3
 * notification) that failed or expired without an OnFailure destination.
 */
export const DeadLetterKind = { StreamBatch: 'stream-batch', AsyncEvent: 'async-event' } as const;

export type DeadLetterKind = (typeof DeadLetterKind)[keyof typeof DeadLetterKind];

/**
 * Lambda's largest synchronous invocation payload. A parked payload is what Lambda would have sent
 * the function, so it stays under this; anything larger is parked without its records.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The last failed replay of a dead letter. */
export interface DeadLetterReplay {
  /** Epoch ms. */
  readonly at: number;
  readonly error: string;
}

/** A stream batch's parked payload: the event the function was sent. */
export interface StreamBatchPayload {
  readonly Records: readonly Record<string, unknown>[];
}

/**
 * Something that failed and had no on-failure destination, parked so that nothing is dropped
 * silently, to be replayed: a stream batch (AWS's failure record, aws-facts 2.4, and the records
 * themselves) or an asynchronous event (AWS's invocation record, aws-facts 2.5, and the event).
 */
export interface DeadLetter {
  /** A UUIDv7: ids sort by creation time. */
  readonly id: string;
  readonly kind: DeadLetterKind;
  /** The stream mapping of a stream batch; absent for an asynchronous event. */
  readonly mappingId?: string;
  readonly functionName: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly failureRecord: StreamFailureRecord | AsyncInvocationRecord;
  /**
   * The event the function was (or would have been) sent: `{"Records":[...]}` for a stream batch,
   * the event itself for an asynchronous one; absent when it exceeded the payload limit.
   */
  readonly payload?: StreamBatchPayload | unknown;
  /** Failed replays so far. */
  readonly replays: number;
  readonly lastReplay?: DeadLetterReplay;
}

/** How many records a parked payload holds: a stream batch's records, or 1 asynchronous event. */
export function deadLetterRecordCount(kind: DeadLetterKind, payload: unknown): number {
  if (payload === undefined) return 0;
  if (kind === DeadLetterKind.AsyncEvent) return 1;
  return (payload as StreamBatchPayload).Records.length;
}

/** A dead letter as listed: everything but the payload, which can be megabytes. */
export type DeadLetterSummary = Omit<DeadLetter, 'payload'> & { readonly recordCount: number; readonly payloadOmitted: boolean };
