/**
 * S3's notification event types, as PutBucketNotificationConfiguration accepts them.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
 * A type ending in `:*` covers every type of its family (`s3:ObjectCreated:*` covers `s3:ObjectCreated:Put`).
 */
export const S3_EVENT_TYPES = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
  's3:ObjectRestore:*',
  's3:ObjectRestore:Post',
  's3:ObjectRestore:Completed',
  's3:ObjectRestore:Delete',
  's3:ReducedRedundancyLostObject',
  's3:Replication:*',
  's3:Replication:OperationFailedReplication',
  's3:Replication:OperationMissedThreshold',
  's3:Replication:OperationReplicatedAfterThreshold',
  's3:Replication:OperationNotTracked',
  's3:LifecycleExpiration:*',
  's3:LifecycleExpiration:Delete',
  's3:LifecycleExpiration:DeleteMarkerCreated',
  's3:LifecycleTransition',
  's3:IntelligentTiering',
  's3:ObjectTagging:*',
  's3:ObjectTagging:Put',
  's3:ObjectTagging:Delete',
  's3:ObjectAcl:Put',
] as const;

export type S3EventType = (typeof S3_EVENT_TYPES)[number];

export function isS3EventType(value: string): value is S3EventType {
  return (S3_EVENT_TYPES as readonly string[]).includes(value);
}

/** The family of a type: `s3:ObjectCreated` for `s3:ObjectCreated:Put`, the type itself when it has none. */
function family(type: string): string {
  const parts = type.split(':');
  return parts.length > 2 ? parts.slice(0, 2).join(':') : type;
}

/** Whether one configured type covers an event of another (configured) type: equal, or a wildcard over its family. */
function covers(configured: string, other: string): boolean {
  if (configured === other) return true;
  return configured.endsWith(':*') && family(configured) === family(other);
}

/** Whether two configured types can both match one event (S3's "share a common event type"). */
export function eventTypesOverlap(a: string, b: string): boolean {
  return covers(a, b) || covers(b, a);
}

/**
 * Whether configured types match an event record's `eventName`. Records name the event without the
 * `s3:` prefix (`ObjectCreated:Put`); S3-compatible stores such as MinIO send it with the prefix.
 */
export function eventNameMatches(configured: readonly string[], eventName: string): boolean {
  const type = eventName.startsWith('s3:') ? eventName : `s3:${eventName}`;
  return configured.some((c) => covers(c, type));
}
