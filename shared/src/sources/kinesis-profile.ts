import { kinesisLambdaRecord, type KinesisLambdaMember, type KinesisSharedMembers } from '../events/kinesis-record.js';
import type { PackedRecords } from '../events/packed-records.js';
import { ARN_PARTITION } from './arn-patterns.js';
import type { LambdaRecord, MappingMember, StreamSourceProfile } from './source-profile.js';

const KINESIS_STREAM = new RegExp(`^arn:${ARN_PARTITION}:kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})$`);

/**
 * Request members of stream mappings (Kinesis and DynamoDB Streams).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-params
 */
export const STREAM_MEMBERS: ReadonlySet<MappingMember> = new Set<MappingMember>([
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FilterCriteria',
  'FunctionResponseTypes',
  'KMSKeyArn',
  'MetricsConfig',
  'StartingPosition',
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'DestinationConfig',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
]);

/** Lambda's wording for a stream mapping changed by a user. */
export const STREAM_USER_ACTION = 'User action';

/** Kinesis data streams, read with GetRecords (arn:aws:kinesis:<region>:<account>:stream/<name>). */
export const kinesisProfile = {
  kind: 'kinesis',
  model: 'stream',
  title: 'Kinesis stream',
  eventSource: 'aws:kinesis',
  parseArn(arn) {
    const m = KINESIS_STREAM.exec(arn);
    return m === null ? undefined : { region: m[1]!, account: m[2]!, name: m[3]! };
  },
  members: STREAM_MEMBERS,
  metrics: ['EventCount'],
  // https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-params (BatchSize: default 100)
  defaultBatchSize: 100,
  userStateTransitionReason: STREAM_USER_ACTION,
  filterSource: 'kinesis',
  startingPositions: ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'],
  event: (records) => ({ Records: records }),
  position: kinesisRecordPosition,
  failureBatchInfo: {
    key: 'KinesisBatchInfo',
    // Kinesis reports arrival times to the millisecond.
    arrivalTime: (ms) => new Date(ms).toISOString(),
    // The record names the stream, also for a consumer's ARN (`.../stream/<name>/consumer/<name>:<ts>`).
    streamArn: (eventSourceArn) => eventSourceArn.replace(/\/consumer\/.*$/, ''),
  },
  pack: packKinesisRecords,
  unpack: unpackKinesisRecords,
} as const satisfies StreamSourceProfile<'kinesis'>;

/**
 * `kinesis.sequenceNumber` and `kinesis.approximateArrivalTimestamp` (epoch seconds) of Lambda's record.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (example event)
 */
export function kinesisRecordPosition(record: LambdaRecord) {
  const inner = record['kinesis'];
  if (typeof inner !== 'object' || inner === null) return { sequenceNumber: undefined, arrivalMs: undefined };
  const { sequenceNumber, approximateArrivalTimestamp: arrival } = inner as Record<string, unknown>;
  return {
    sequenceNumber: typeof sequenceNumber === 'string' ? sequenceNumber : undefined,
    arrivalMs: typeof arrival === 'number' && Number.isFinite(arrival) ? Math.round(arrival * 1000) : undefined,
  };
}

/** Each record's `kinesis` member as it is (Lambda's own); the stream's shared members once. */
export function packKinesisRecords(records: readonly LambdaRecord[]): PackedRecords {
  const member = (name: string) => String(records[0]?.[name] ?? '');
  return {
    records: records.map((r) => r['kinesis'] as Record<string, unknown>),
    shared: { invokeIdentityArn: member('invokeIdentityArn'), awsRegion: member('awsRegion'), eventSourceARN: member('eventSourceARN') } satisfies KinesisSharedMembers,
  };
}

export function unpackKinesisRecords(shardId: string, packed: PackedRecords): Record<string, unknown>[] {
  const shared = packed.shared as unknown as KinesisSharedMembers;
  return packed.records.map((r) => kinesisLambdaRecord(r as unknown as KinesisLambdaMember, shardId, shared));
}
