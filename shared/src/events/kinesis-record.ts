import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { StreamRecord } from '../stream/stream-record.js';
import { arnParts } from './arn-parts.js';
import { toEpochMs } from './epoch-time.js';

/**
 * A Kinesis record as GetRecords and SubscribeToShard return it. The AWS SDK's `Record`
 * (`@aws-sdk/client-kinesis`) is assignable to it.
 */
export interface KinesisRecordInput {
  readonly SequenceNumber?: string | undefined;
  readonly PartitionKey?: string | undefined;
  readonly Data?: Uint8Array | undefined;
  readonly ApproximateArrivalTimestamp?: Date | number | string | undefined;
  readonly EncryptionType?: string | undefined;
}

/** Where a record was read: Lambda's record names its shard, its stream and an identity. */
export interface KinesisRecordContext {
  readonly shardId: string;
  /** The stream's ARN (for a consumer mapping too): the record's eventSourceARN, region and account. */
  readonly streamArn: string;
  /** Defaults to {@link defaultInvokeIdentityArn} of the stream's account. */
  readonly invokeIdentityArn?: string;
}

/**
 * The role Lambda names as `invokeIdentityArn` is the mapping's execution role. Sluice has no
 * execution role, so it names a fixed role in the stream's account: functions that log or check
 * the field see a well-formed IAM role ARN.
 */
export function defaultInvokeIdentityArn(streamArn: string): string {
  const { partition, account } = arnParts(streamArn);
  return `arn:${partition}:iam::${account}:role/sluice`;
}

/** The `kinesis` member of Lambda's Kinesis record: the part of it that differs from record to record. */
export interface KinesisLambdaMember {
  readonly kinesisSchemaVersion: '1.0';
  readonly partitionKey: string;
  readonly sequenceNumber: string;
  /** Base64. */
  readonly data: string;
  /** Epoch seconds with a millisecond fraction. */
  readonly approximateArrivalTimestamp: number;
  readonly encryptionType?: 'KMS';
}

/** The members every Lambda record of one shard of one stream has in common (besides the constants). */
export interface KinesisSharedMembers {
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

/**
 * Lambda's Kinesis record, members in Lambda's order: the record's `kinesis` member, the constants,
 * `eventID` = `<shardId>:<sequenceNumber>`, and what the shard's records share. Both the poller
 * (reading) and the worker (unpacking a job: packed-records.ts) build records with it.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (example event)
 */
export function kinesisLambdaRecord(kinesis: KinesisLambdaMember, shardId: string, shared: KinesisSharedMembers): Record<string, unknown> {
  return {
    kinesis,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${kinesis.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: shared.invokeIdentityArn,
    awsRegion: shared.awsRegion,
    eventSourceARN: shared.eventSourceARN,
  };
}

/**
 * Builds the StreamRecord of one Kinesis record, its `lambdaRecord` exactly as Lambda hands it to a
 * function: `data` in base64, `approximateArrivalTimestamp` in epoch seconds with a millisecond
 * fraction, `eventID` = `<shardId>:<sequenceNumber>`, `encryptionType` only on KMS-encrypted records.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (example event)
 *
 * @example
 * const record = buildKinesisStreamRecord(sdkRecord, { shardId: 'shardId-000000000000', streamArn });
 * record.lambdaRecord; // { kinesis: { kinesisSchemaVersion: '1.0', ... }, eventSource: 'aws:kinesis', ... }
 */
export function buildKinesisStreamRecord(record: KinesisRecordInput, context: KinesisRecordContext): StreamRecord {
  const { SequenceNumber: sequenceNumber, PartitionKey: partitionKey, ApproximateArrivalTimestamp: arrival } = record;
  if (sequenceNumber === undefined || partitionKey === undefined || arrival === undefined) {
    throw new SluiceError(ErrorCode.SourceInvalid, `Kinesis record without SequenceNumber, PartitionKey or ApproximateArrivalTimestamp in ${context.shardId}`);
  }
  const approximateArrivalMs = toEpochMs(arrival);
  const fixed = fixedPartsOf(context);
  const data = record.Data ?? new Uint8Array(0);
  const encrypted = record.EncryptionType === 'KMS';
  const approximateArrivalTimestamp = approximateArrivalMs / 1000;
  const kinesis: KinesisLambdaMember = {
    kinesisSchemaVersion: '1.0',
    partitionKey,
    sequenceNumber,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    approximateArrivalTimestamp,
    ...(encrypted ? { encryptionType: 'KMS' as const } : {}),
  };
  const lambdaRecord = kinesisLambdaRecord(kinesis, context.shardId, fixed.shared);
  // The size of JSON.stringify(lambdaRecord) in UTF-8, added up from its parts instead of
  // serialising every record (the poller's hottest per-record cost): the batch cap needs it exact.
  const sizeBytes =
    fixed.skeletonBytes +
    (encrypted ? KMS_MEMBER_BYTES : 0) +
    jsonStringBytes(partitionKey) +
    jsonStringBytes(sequenceNumber) +
    base64Length(data.byteLength) +
    jsonNumberBytes(approximateArrivalTimestamp) +
    jsonStringBytes(lambdaRecord['eventID'] as string);
  return { sequenceNumber, partitionKey, approximateArrivalMs, sizeBytes, lambdaRecord };
}

/** What every record read with one context shares; the context is made once per read. */
interface FixedParts {
  readonly shared: KinesisSharedMembers;
  /** The JSON size of a record whose variable members are empty: `""` strings, no timestamp digits. */
  readonly skeletonBytes: number;
}

const fixedParts = new WeakMap<KinesisRecordContext, FixedParts>();

function fixedPartsOf(context: KinesisRecordContext): FixedParts {
  let parts = fixedParts.get(context);
  if (parts === undefined) {
    const { region } = arnParts(context.streamArn);
    const invokeIdentityArn = context.invokeIdentityArn ?? defaultInvokeIdentityArn(context.streamArn);
    const skeleton = {
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: '', sequenceNumber: '', data: '', approximateArrivalTimestamp: '' },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: '',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn,
      awsRegion: region,
      eventSourceARN: context.streamArn,
    };
    // partitionKey, sequenceNumber and eventID count their own quotes (jsonStringBytes); the data's
    // quotes stay (base64Length has none); the timestamp, a number, has none: its `""` is taken off too.
    const skeletonBytes = Buffer.byteLength(JSON.stringify(skeleton)) - 2 * 3 - 2;
    parts = { shared: { invokeIdentityArn, awsRegion: region, eventSourceARN: context.streamArn }, skeletonBytes };
    fixedParts.set(context, parts);
  }
  return parts;
}

/** `,"encryptionType":"KMS"` */
const KMS_MEMBER_BYTES = ',"encryptionType":"KMS"'.length;

/** Printable ASCII other than `"` and `\`: JSON.stringify leaves such a string as it is. */
const NEEDS_ESCAPE_OR_UTF8 = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** Bytes of JSON.stringify(value) in UTF-8, quotes included; the common plain-ASCII case without serialising. */
function jsonStringBytes(value: string): number {
  return NEEDS_ESCAPE_OR_UTF8.test(value) ? Buffer.byteLength(JSON.stringify(value)) : value.length + 2;
}

/** JSON.stringify writes a finite number as String does, and anything else as `null`. */
function jsonNumberBytes(value: number): number {
  return Number.isFinite(value) ? String(value).length : 4;
}

/** Length of the padded base64 of `bytes` bytes. */
function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}
