import { z } from 'zod';
import { deliveryIdentity, type PushEvent } from './push-event.js';

/**
 * An event's `time`: EventBridge writes ISO 8601 (https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html),
 * moto epoch seconds. A time that names no date (`-1e308`, "yesterday") can never be delivered as
 * EventBridge's ISO time, so the event is refused (400) rather than failing on every retry.
 */
const eventTimeSchema = z.union([
  z.string().refine((time) => Number.isFinite(Date.parse(time)), 'time must be an ISO 8601 date'),
  z.number().refine((seconds) => Number.isFinite(new Date(seconds * 1000).getTime()), 'time must be epoch seconds within the range of dates'),
]);

/**
 * S3 events as EventBridge delivers them (detail-type "Object Created", "Object Deleted", ...,
 * source aws.s3). https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 * A Lambda function that an EventBridge rule targets receives the EventBridge event itself, not an
 * S3 Records event (https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchevents.html):
 * so the function gets this event as sent.
 */
export const eventBridgeS3EventSchema = z
  .object({
    id: z.string().min(1),
    'detail-type': z.string().min(1),
    source: z.literal('aws.s3'),
    time: eventTimeSchema.optional(),
    detail: z
      .object({
        bucket: z.object({ name: z.string().min(1) }).loose(),
        object: z.object({ key: z.string() }).loose(),
        reason: z.string().optional(),
        'deletion-type': z.string().optional(),
      })
      .loose(),
  })
  .loose();

export type EventBridgeS3Event = z.infer<typeof eventBridgeS3EventSchema>;

const CREATED_REASONS: Record<string, string> = {
  PutObject: 'Put',
  'POST Object': 'Post',
  CopyObject: 'Copy',
  CompleteMultipartUpload: 'CompleteMultipartUpload',
};

const OTHER_TYPES: Record<string, string> = {
  'Object Restore Initiated': 'ObjectRestore:Post',
  'Object Restore Completed': 'ObjectRestore:Completed',
  'Object Restore Expired': 'ObjectRestore:Delete',
  'Object Tags Added': 'ObjectTagging:Put',
  'Object Tags Deleted': 'ObjectTagging:Delete',
  'Object ACL Updated': 'ObjectAcl:Put',
  'Object Storage Class Changed': 'LifecycleTransition',
  'Object Access Tier Changed': 'IntelligentTiering',
};

/** The S3 notification event type an EventBridge S3 event corresponds to, so bindings' Events apply to it. */
export function eventBridgeEventName(event: EventBridgeS3Event): string {
  const { reason, 'deletion-type': deletionType } = event.detail;
  if (event['detail-type'] === 'Object Created') return `ObjectCreated:${CREATED_REASONS[reason ?? ''] ?? reason ?? 'Put'}`;
  if (event['detail-type'] === 'Object Deleted') {
    const family = reason === 'Lifecycle Expiration' ? 'LifecycleExpiration' : 'ObjectRemoved';
    return `${family}:${deletionType === 'Delete Marker Created' ? 'DeleteMarkerCreated' : 'Delete'}`;
  }
  return OTHER_TYPES[event['detail-type']] ?? event['detail-type'];
}

/**
 * An EventBridge S3 event as a PushEvent: matched like an S3 record (its key is not URL-encoded in
 * EventBridge events), delivered as is. moto writes `time` as epoch seconds; it is given as
 * EventBridge's ISO time.
 *
 * Its identity is the event `id` (a UUID generated for every event, which a retry to a target
 * re-sends: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html) with
 * what the event says of its request and object, since moto sends one fixed `id`, request-id and
 * sequencer in every S3 event and differs only in time, eTag and version.
 */
export function eventBridgePushEvent(event: EventBridgeS3Event): PushEvent {
  const time = typeof event.time === 'number' ? new Date(event.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : event.time;
  const payload = JSON.stringify({ ...event, ...(time === undefined ? {} : { time }) });
  return {
    bucket: event.detail.bucket.name,
    eventName: eventBridgeEventName(event),
    key: event.detail.object.key,
    identity: eventBridgeIdentity(event),
    payloadFor: () => payload,
  };
}

function eventBridgeIdentity(event: EventBridgeS3Event): string {
  const detail = event.detail as Record<string, unknown>;
  const object = event.detail.object as Record<string, unknown>;
  return deliveryIdentity('eventbridge', event.id, event.detail.bucket.name, event.detail.object.key, detail['request-id'], object['version-id'], object.etag ?? object.eTag, object.sequencer, event.time);
}
