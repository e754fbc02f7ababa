import type { StreamFailureRecord } from './stream-failure-record.js';

/** The kinds of DestinationConfig.OnFailure targets a stream mapping supports. */
export const DestinationType = { Sqs: 'sqs', Sns: 'sns', S3: 's3' } as const;
export type DestinationType = (typeof DestinationType)[keyof typeof DestinationType];

/** One failure record on its way to a destination. */
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

/**
 * An on-failure target. `deliver` resolves once the target has the record and throws a
 * SluiceError (code DestinationFailed, retryable) otherwise; the caller retries with backoff.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export interface Destination {
  readonly type: DestinationType;
  deliver(delivery: FailureDelivery): Promise<void>;
}

/** Picks the destination that serves an ARN (by its service: sqs, sns, s3). */
export interface DestinationRouter {
  destinationFor(destinationArn: string): Destination;
}
