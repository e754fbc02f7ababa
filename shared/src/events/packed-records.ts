import type { SourceKind } from '../arn/source-arn.js';
import { dynamoDbLambdaRecord, type DynamoDbLambdaMembers, type DynamoDbSharedMembers } from './dynamodb-record.js';
import { kinesisLambdaRecord, type KinesisLambdaMember, type KinesisSharedMembers } from './kinesis-record.js';

type LambdaRecord = Readonly<Record<string, unknown>>;

/**
 * A batch's records as a stream batch job stores them: what differs from record to record, and
 * once for the batch what every record of it shares (one shard of one stream). A Kinesis record in
 * Lambda's format is ~690 bytes, of which ~330 (the stream ARN, region, role, constants and the
 * eventID, which is the shard id plus the sequence number) are the same in every record of a batch.
 * Storing them once halves each job, and with it the poller's serialising, the Redis traffic and
 * the worker's parsing of every batch.
 */
export interface PackedRecords {
  readonly records: Record<string, unknown>[];
  readonly shared: Readonly<Record<string, string>>;
}

/**
 * Packs Lambda records of one shard (built by buildKinesisStreamRecord or buildDynamoDbStreamRecord)
 * so that unpackLambdaRecords gives them back member for member, in Lambda's order.
 */
export function packLambdaRecords(sourceKind: SourceKind, records: readonly LambdaRecord[]): PackedRecords {
  const member = (name: string) => String(records[0]?.[name] ?? '');
  if (sourceKind === 'dynamodb') {
    return {
      records: records.map((r) => ({
        eventID: r['eventID'],
        eventName: r['eventName'],
        dynamodb: r['dynamodb'],
        ...(r['userIdentity'] === undefined ? {} : { userIdentity: r['userIdentity'] }),
      })),
      shared: { awsRegion: member('awsRegion'), eventSourceARN: member('eventSourceARN') } satisfies DynamoDbSharedMembers,
    };
  }
  return {
    // The `kinesis` member as it is: Lambda's own, nothing to rebuild.
    records: records.map((r) => r['kinesis'] as Record<string, unknown>),
    shared: { invokeIdentityArn: member('invokeIdentityArn'), awsRegion: member('awsRegion'), eventSourceARN: member('eventSourceARN') } satisfies KinesisSharedMembers,
  };
}

/** The Lambda records a packed batch of `shardId` stands for (packLambdaRecords' inverse). */
export function unpackLambdaRecords(sourceKind: SourceKind, shardId: string, packed: PackedRecords): Record<string, unknown>[] {
  if (sourceKind === 'dynamodb') {
    const shared = packed.shared as unknown as DynamoDbSharedMembers;
    return packed.records.map((r) => dynamoDbLambdaRecord(r as unknown as DynamoDbLambdaMembers, shared));
  }
  const shared = packed.shared as unknown as KinesisSharedMembers;
  return packed.records.map((r) => kinesisLambdaRecord(r as unknown as KinesisLambdaMember, shardId, shared));
}
