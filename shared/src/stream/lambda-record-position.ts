import { streamProfile, type StreamSourceKind } from '../sources/source-kinds.js';

/** Where one record of a batch sits in its shard, read back from the record as Lambda shapes it. */
export interface LambdaRecordPosition {
  readonly sequenceNumber: string | undefined;
  /** Approximate arrival (Kinesis) or creation (DynamoDB) time, epoch ms. */
  readonly arrivalMs: number | undefined;
}

/**
 * The sequence number and arrival time of a record in a job's `records` (Lambda's event format;
 * each stream kind's profile knows where they are), so the worker can cut a batch anywhere without
 * carrying a second copy of each record's position.
 */
export function lambdaRecordPosition(sourceKind: StreamSourceKind, record: Readonly<Record<string, unknown>>): LambdaRecordPosition {
  return streamProfile(sourceKind).position(record);
}
