import { streamProfile, type StreamSourceKind } from '../sources/source-kinds.js';
import type { DiscardCondition } from '../queue/stream-batch-job.js';

/** The failed invocation's answer, for `responseContext`; absent for RecordAgeExceeded. */
export interface FailedResponse {
  readonly statusCode: number;
  readonly functionError?: string;
}

/** What a discarded (sub-)batch is described by. */
export interface StreamFailureRecordInput {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: DiscardCondition;
  readonly approximateInvokeCount: number;
  /** The last failed invocation's response; ignored for RecordAgeExceeded. */
  readonly response?: FailedResponse;
  /** When the batch was given up on, epoch ms. */
  readonly timestampMs: number;
  readonly sourceKind: StreamSourceKind;
  readonly shardId: string;
  /** The mapping's EventSourceArn (a stream consumer ARN is reported as its stream's ARN). */
  readonly eventSourceArn: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly firstArrivalMs: number;
  readonly lastArrivalMs: number;
  readonly batchSize: number;
}

export interface StreamBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/**
 * Lambda's on-failure destination record for a stream batch, field for field (AWS key order).
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
export interface StreamFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: DiscardCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext?: { readonly statusCode: number; readonly executedVersion: string; readonly functionError?: string };
  readonly version: '1.0';
  readonly timestamp: string;
  readonly KinesisBatchInfo?: StreamBatchInfo;
  readonly DDBStreamBatchInfo?: StreamBatchInfo;
}

/** Sluice has no published versions: every invocation runs $LATEST. */
const EXECUTED_VERSION = '$LATEST';

/**
 * Builds the record Lambda sends to DestinationConfig.OnFailure when it discards a stream batch.
 * RecordAgeExceeded has no responseContext (the records were dropped without a final invocation;
 * LocalStack's AWS-recorded test_kinesis_maximum_record_age_exceeded). DynamoDB reports arrival
 * times to the second ("2019-11-14T00:13:19Z"), Kinesis to the millisecond: each stream profile's failureBatchInfo.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
 */
export function buildStreamFailureRecord(input: StreamFailureRecordInput): StreamFailureRecord {
  const { failureBatchInfo } = streamProfile(input.sourceKind);
  const batchInfo: StreamBatchInfo = {
    shardId: input.shardId,
    startSequenceNumber: input.startSequenceNumber,
    endSequenceNumber: input.endSequenceNumber,
    approximateArrivalOfFirstRecord: failureBatchInfo.arrivalTime(input.firstArrivalMs),
    approximateArrivalOfLastRecord: failureBatchInfo.arrivalTime(input.lastArrivalMs),
    batchSize: input.batchSize,
    streamArn: failureBatchInfo.streamArn(input.eventSourceArn),
  };
  const response = input.condition === 'RecordAgeExceeded' ? undefined : input.response;
  return {
    requestContext: {
      requestId: input.requestId,
      functionArn: input.functionArn,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    ...(response === undefined
      ? {}
      : {
          responseContext: {
            statusCode: response.statusCode,
            executedVersion: EXECUTED_VERSION,
            ...(response.functionError === undefined ? {} : { functionError: response.functionError }),
          },
        }),
    version: '1.0',
    timestamp: new Date(input.timestampMs).toISOString(),
    [failureBatchInfo.key]: batchInfo,
  };
}

/**
 * Where an S3 on-failure destination stores a record:
 * `aws/lambda/<ESM-UUID>/<shardId>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>` (UTC).
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export function failureObjectKey(mappingId: string, shardId: string, timestampMs: number, uuid: string): string {
  const iso = new Date(timestampMs).toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(':', '.');
  return `aws/lambda/${mappingId}/${shardId}/${day.replaceAll('-', '/')}/${day}T${time}-${uuid}`;
}
