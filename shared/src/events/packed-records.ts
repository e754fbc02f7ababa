import { streamProfile, type StreamSourceKind } from '../sources/source-kinds.js';

type LambdaRecord = Readonly<Record<string, unknown>>;

/**
 * A batch's records as a stream batch job stores them: what differs from record to record, and
 * once for the batch what every record of it shares (one shard of one stream). A Kinesis record in
 * Lambda's format is ~690 bytes, of which ~330 (the stream ARN, region, role, constants and the
 * eventID, which is the shard id plus the sequence number) are the same in every record of a batch.
 * Storing them once halves each job, and with it the poller's serialising, the Redis traffic and
 * the worker's parsing of every batch. Each stream kind's profile says what it packs.
 */
export interface PackedRecords {
  readonly records: Record<string, unknown>[];
  readonly shared: Readonly<Record<string, string>>;
}

/**
 * Packs Lambda records of one shard (built by buildKinesisStreamRecord or buildDynamoDbStreamRecord)
 * so that unpackLambdaRecords gives them back member for member, in Lambda's order.
 */
export function packLambdaRecords(sourceKind: StreamSourceKind, records: readonly LambdaRecord[]): PackedRecords {
  return streamProfile(sourceKind).pack(records);
}

/** The Lambda records a packed batch of `shardId` stands for (packLambdaRecords' inverse). */
export function unpackLambdaRecords(sourceKind: StreamSourceKind, shardId: string, packed: PackedRecords): Record<string, unknown>[] {
  return streamProfile(sourceKind).unpack(shardId, packed);
}
