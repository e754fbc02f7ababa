import type { StreamFailureRecord } from '../destinations/stream-failure-record.js';

/** What was parked: a stream (sub-)batch today; push events (S3, SNS, Event invokes) later. */
export const DeadLetterKind = { StreamBatch: 'stream-batch' } as const;

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

/**
 * A batch that failed and had no on-failure destination, parked so that nothing is dropped
 * silently: its AWS failure record (aws-facts 2.4) and the records themselves, to be replayed.
 */
export interface DeadLetter {
  /** A UUIDv7: ids sort by creation time. */
  readonly id: string;
  readonly kind: DeadLetterKind;
  readonly mappingId: string;
  readonly functionName: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly failureRecord: StreamFailureRecord;
  /** The event the function was sent, `{"Records":[...]}`; absent when it exceeded the payload limit. */
  readonly payload?: { readonly Records: readonly Record<string, unknown>[] };
  /** Failed replays so far. */
  readonly replays: number;
  readonly lastReplay?: DeadLetterReplay;
}

/** A dead letter as listed: everything but the payload, which can be megabytes. */
export type DeadLetterSummary = Omit<DeadLetter, 'payload'> & { readonly recordCount: number; readonly payloadOmitted: boolean };
