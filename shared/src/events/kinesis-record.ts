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
  const { region } = arnParts(context.streamArn);
  const data = record.Data ?? new Uint8Array(0);
  const lambdaRecord = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
      approximateArrivalTimestamp: approximateArrivalMs / 1000,
      ...(record.EncryptionType === 'KMS' ? { encryptionType: 'KMS' } : {}),
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${context.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: context.invokeIdentityArn ?? defaultInvokeIdentityArn(context.streamArn),
    awsRegion: region,
    eventSourceARN: context.streamArn,
  };
  return {
    sequenceNumber,
    partitionKey,
    approximateArrivalMs,
    sizeBytes: Buffer.byteLength(JSON.stringify(lambdaRecord)),
    lambdaRecord,
  };
}
