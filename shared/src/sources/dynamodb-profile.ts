import { dynamoDbLambdaRecord, type DynamoDbLambdaMembers, type DynamoDbSharedMembers } from '../events/dynamodb-record.js';
import type { PackedRecords } from '../events/packed-records.js';
import { ARN_PARTITION } from './arn-patterns.js';
import { STREAM_MEMBERS, STREAM_USER_ACTION } from './kinesis-profile.js';
import type { LambdaRecord, StreamSourceProfile } from './source-profile.js';

const DYNAMODB_STREAM = new RegExp(
  `^arn:${ARN_PARTITION}:dynamodb:([a-z0-9-]+):(\\d{12}):table/([a-zA-Z0-9_.-]{3,255})/stream/([0-9A-Za-z:.\\-_]+)$`,
);

/** DynamoDB Streams (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>). */
export const dynamodbProfile = {
  kind: 'dynamodb',
  model: 'stream',
  title: 'DynamoDB stream',
  eventSource: 'aws:dynamodb',
  parseArn(arn) {
    const m = DYNAMODB_STREAM.exec(arn);
    return m === null ? undefined : { region: m[1]!, account: m[2]!, name: m[3]!, qualifier: m[4]! };
  },
  members: STREAM_MEMBERS,
  metrics: ['EventCount'],
  // https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html#services-ddb-params (BatchSize: default 100)
  defaultBatchSize: 100,
  userStateTransitionReason: STREAM_USER_ACTION,
  filterSource: 'dynamodb',
  // AT_TIMESTAMP is Kinesis-only.
  // https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-StartingPosition
  startingPositions: ['TRIM_HORIZON', 'LATEST'],
  event: (records) => ({ Records: records }),
  position: dynamoDbRecordPosition,
  failureBatchInfo: {
    key: 'DDBStreamBatchInfo',
    // DynamoDB reports arrival times to the second ("2019-11-14T00:13:19Z").
    // https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
    arrivalTime: (ms) => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`,
    streamArn: (eventSourceArn) => eventSourceArn,
  },
  pack: packDynamoDbRecords,
  unpack: (_shardId, packed) => unpackDynamoDbRecords(packed),
} as const satisfies StreamSourceProfile<'dynamodb'>;

/**
 * `dynamodb.SequenceNumber` and `dynamodb.ApproximateCreationDateTime` (epoch seconds) of Lambda's record.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (example event)
 */
export function dynamoDbRecordPosition(record: LambdaRecord) {
  const inner = record['dynamodb'];
  if (typeof inner !== 'object' || inner === null) return { sequenceNumber: undefined, arrivalMs: undefined };
  const { SequenceNumber: sequenceNumber, ApproximateCreationDateTime: arrival } = inner as Record<string, unknown>;
  return {
    sequenceNumber: typeof sequenceNumber === 'string' ? sequenceNumber : undefined,
    arrivalMs: typeof arrival === 'number' && Number.isFinite(arrival) ? Math.round(arrival * 1000) : undefined,
  };
}

function packDynamoDbRecords(records: readonly LambdaRecord[]): PackedRecords {
  const member = (name: string) => String(records[0]?.[name] ?? '');
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

function unpackDynamoDbRecords(packed: PackedRecords): Record<string, unknown>[] {
  const shared = packed.shared as unknown as DynamoDbSharedMembers;
  return packed.records.map((r) => dynamoDbLambdaRecord(r as unknown as DynamoDbLambdaMembers, shared));
}
