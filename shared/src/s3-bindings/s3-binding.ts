import type { S3KeyFilter } from './s3-key-filter.js';

/** What Sluice configured on the bucket for a binding created with ManagedNotification. */
export interface ManagedS3Notification {
  /** The SNS topic the bucket's TopicConfiguration (Id = the binding's id) publishes to. */
  readonly topicArn: string;
  /** The ingress URL subscribed to the topic. */
  readonly ingressUrl: string;
  /** The subscription's ARN, or "pending confirmation" until SNS confirms it. */
  readonly subscriptionArn?: string;
}

/**
 * An S3 binding: S3 events of a bucket that invoke a function asynchronously, as one of S3's
 * LambdaFunctionConfigurations would (events, key filter, function), delivered to Sluice's ingress.
 */
export interface S3Binding {
  /** Unique in the installation; also the `s3.configurationId` the function sees, like a configuration's Id. */
  readonly id: string;
  readonly bucket: string;
  readonly events: readonly string[];
  readonly filter: S3KeyFilter;
  readonly functionName: string;
  readonly functionArn: string;
  /** The SNS topic that delivers this bucket's events: SubscriptionConfirmations from it are confirmed. */
  readonly topicArn?: string;
  readonly managed?: ManagedS3Notification;
  readonly createdAt: number;
}
