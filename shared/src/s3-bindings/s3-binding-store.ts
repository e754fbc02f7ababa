import type { S3Binding } from './s3-binding.js';

/** The bindings of one bucket and the version they were read at (it moves on every create and remove). */
export interface BucketBindings {
  readonly version: number;
  readonly bindings: readonly S3Binding[];
}

export interface S3BindingPage {
  readonly bindings: readonly S3Binding[];
  readonly nextMarker?: string;
}

export type CreateS3BindingResult = 'created' | 'id-taken' | 'stale' | 'function-missing';

/** S3 bindings in the registry: written by the API, read by the ingress. */
export interface S3BindingStore {
  forBucket(bucket: string): Promise<BucketBindings>;
  /**
   * Creates the binding if its function still exists, its bucket is still at `bucketVersion` (so
   * overlap checks hold) and its id is free, all in one atomic write.
   */
  create(binding: S3Binding, bucketVersion: number): Promise<CreateS3BindingResult>;
  /** Replaces a binding's record (managed wiring details); false when it is gone. */
  update(binding: S3Binding): Promise<boolean>;
  get(id: string): Promise<S3Binding | undefined>;
  list(marker: string | undefined, limit: number): Promise<S3BindingPage>;
  remove(binding: S3Binding): Promise<boolean>;
  /** How many bindings name this SNS topic: SubscriptionConfirmations are confirmed only when some do. */
  countForTopic(topicArn: string): Promise<number>;
}
