import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { StreamRecord } from '../stream/stream-record.js';
import { arnParts } from './arn-parts.js';
import { canonicalJson } from './canonical-json.js';
import { toEpochMs } from './epoch-time.js';
import { toItemJson, type AttributeValueInput, type AttributeValueJson } from './dynamodb-attribute-value.js';

type ItemInput = Readonly<Record<string, AttributeValueInput>>;

/**
 * A DynamoDB Streams record as GetRecords returns it. The AWS SDK's `Record`
 * (`@aws-sdk/client-dynamodb-streams`) is assignable to it; ApproximateCreationDateTime may also be
 * an ISO string or a number, as emulators have sent it.
 */
export interface DynamoDbRecordInput {
  readonly eventID?: string | undefined;
  readonly eventName?: string | undefined;
  readonly dynamodb?:
    | {
        readonly ApproximateCreationDateTime?: Date | number | string | undefined;
        readonly Keys?: ItemInput | undefined;
        readonly NewImage?: ItemInput | undefined;
        readonly OldImage?: ItemInput | undefined;
        readonly SequenceNumber?: string | undefined;
        readonly SizeBytes?: number | undefined;
        readonly StreamViewType?: string | undefined;
      }
    | undefined;
  /** The Streams API spells its members `Type`/`PrincipalId`; Lambda's event spells them `type`/`principalId`. */
  readonly userIdentity?: UserIdentityInput | undefined;
}

interface UserIdentityInput {
  readonly Type?: string | undefined;
  readonly PrincipalId?: string | undefined;
  readonly type?: string | undefined;
  readonly principalId?: string | undefined;
}

/** The members of Lambda's DynamoDB record that differ from record to record. */
export interface DynamoDbLambdaMembers {
  readonly eventID: string | undefined;
  readonly eventName: string | undefined;
  readonly dynamodb: Readonly<Record<string, unknown>>;
  readonly userIdentity?: { readonly type: string | undefined; readonly principalId: string | undefined };
}

/** The members every Lambda record of one stream has in common (besides the constants). */
export interface DynamoDbSharedMembers {
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

/**
 * Lambda's DynamoDB record, members in Lambda's order: `eventVersion` "1.1" and `eventSource`
 * constant, `userIdentity` only when the record has one. Both the poller (reading) and the worker
 * (unpacking a job: packed-records.ts) build records with it.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (example event)
 */
export function dynamoDbLambdaRecord(record: DynamoDbLambdaMembers, shared: DynamoDbSharedMembers): Record<string, unknown> {
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: shared.awsRegion,
    dynamodb: record.dynamodb,
    eventSourceARN: shared.eventSourceARN,
    ...(record.userIdentity === undefined ? {} : { userIdentity: record.userIdentity }),
  };
}

/**
 * Builds the StreamRecord of one DynamoDB Streams record, its `lambdaRecord` exactly as Lambda hands
 * it to a function, whatever the emulator said: `eventVersion` "1.1" (as recorded on AWS),
 * `awsRegion` from the stream ARN, ApproximateCreationDateTime in epoch seconds rounded down,
 * attribute values in DynamoDB's typed JSON with binary as base64, and `userIdentity` only where
 * the service set it (TTL deletions).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html (example event)
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html
 */
export function buildDynamoDbStreamRecord(record: DynamoDbRecordInput, context: { readonly streamArn: string }): StreamRecord {
  const change = record.dynamodb;
  const sequenceNumber = change?.SequenceNumber;
  const created = change?.ApproximateCreationDateTime;
  if (change === undefined || sequenceNumber === undefined || created === undefined || change.Keys === undefined) {
    throw new SluiceError(ErrorCode.SourceInvalid, `DynamoDB stream record without SequenceNumber, Keys or ApproximateCreationDateTime in ${context.streamArn}`);
  }
  const approximateArrivalMs = toEpochMs(created);
  const keys = toItemJson(change.Keys);
  const newImage = change.NewImage === undefined ? undefined : toItemJson(change.NewImage);
  const oldImage = change.OldImage === undefined ? undefined : toItemJson(change.OldImage);
  const lambdaRecord = dynamoDbLambdaRecord(
    {
      eventID: record.eventID,
      eventName: record.eventName,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(approximateArrivalMs / 1000),
        Keys: keys,
        ...(newImage === undefined ? {} : { NewImage: newImage }),
        ...(oldImage === undefined ? {} : { OldImage: oldImage }),
        SequenceNumber: sequenceNumber,
        SizeBytes: change.SizeBytes ?? approximateSizeBytes(keys, newImage, oldImage),
        StreamViewType: change.StreamViewType,
      },
      ...(record.userIdentity === undefined ? {} : { userIdentity: lambdaUserIdentity(record.userIdentity) }),
    },
    { awsRegion: arnParts(context.streamArn).region, eventSourceARN: context.streamArn },
  );
  return {
    sequenceNumber,
    partitionKey: canonicalJson(keys),
    approximateArrivalMs,
    sizeBytes: Buffer.byteLength(JSON.stringify(lambdaRecord)),
    lambdaRecord,
  };
}

function lambdaUserIdentity(identity: UserIdentityInput): { type: string | undefined; principalId: string | undefined } {
  return { type: identity.Type ?? identity.type, principalId: identity.PrincipalId ?? identity.principalId };
}

/** Only when a service leaves SizeBytes out: the JSON bytes of keys and images stand in for it. */
function approximateSizeBytes(...parts: (Record<string, AttributeValueJson> | undefined)[]): number {
  return parts.reduce((sum, part) => sum + (part === undefined ? 0 : Buffer.byteLength(JSON.stringify(part))), 0);
}
