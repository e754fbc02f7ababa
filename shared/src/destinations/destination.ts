import type { AsyncInvocationRecord } from './async-invocation-record.js';
import type { StreamFailureRecord } from './stream-failure-record.js';

/**
 * The kinds of destination targets: SQS, SNS and S3 for stream mappings' OnFailure; asynchronous
 * invocations also allow a function (Lambda's `lambda` ARNs, here a Sluice function).
 */
export const DestinationType = { Sqs: 'sqs', Sns: 'sns', S3: 's3', Lambda: 'lambda' } as const;
export type DestinationType = (typeof DestinationType)[keyof typeof DestinationType];

/** One stream failure record on its way to a destination. */
export interface FailureDelivery {
  /** The destination's ARN (DestinationConfig.OnFailure.Destination). */
  readonly destinationArn: string;
  readonly record: StreamFailureRecord;
  readonly mappingId: string;
  readonly shardId: string;
  /** The discarded records in Lambda's event format; only S3 stores them (as `payload`). */
  readonly records: readonly Readonly<Record<string, unknown>>[];
  /** Unique per failure record; S3 uses it in the object key, so a re-delivery overwrites. */
  readonly deliveryId: string;
}

/** One asynchronous invocation record (aws-facts 2.5) on its way to OnSuccess or OnFailure. */
export interface AsyncInvocationDelivery {
  readonly kind: 'async-invocation';
  readonly destinationArn: string;
  readonly record: AsyncInvocationRecord;
  /** The function whose event this record describes. */
  readonly functionName: string;
  /**
   * Fixed before the first delivery attempt: the S3 object key's suffix, and the request id of the
   * event a function destination is sent, so a retried delivery never delivers twice.
   */
  readonly deliveryId: string;
}

/** Whatever a destination may be handed. */
export type DestinationDelivery = FailureDelivery | AsyncInvocationDelivery;

/** Whether a delivery carries an asynchronous invocation record (else a stream failure record). */
export function isAsyncInvocationDelivery(delivery: DestinationDelivery): delivery is AsyncInvocationDelivery {
  return 'kind' in delivery && delivery.kind === 'async-invocation';
}

/**
 * A destination target. `deliver` resolves once the target has the record and throws a
 * SluiceError (code DestinationFailed, retryable) otherwise; the caller retries with backoff.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export interface Destination {
  readonly type: DestinationType;
  deliver(delivery: DestinationDelivery): Promise<void>;
}

/** Picks the destination that serves an ARN (by its service: sqs, sns, s3, lambda). */
export interface DestinationRouter {
  destinationFor(destinationArn: string): Destination;
}
