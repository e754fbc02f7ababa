import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decodeS3EventKey, encodeS3EventKey } from '@sluice/shared';
import { deliveryIdentity, type PushEvent } from './push-event.js';

/**
 * S3 keys are UTF-8 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html): a
 * lone surrogate names no key, and the key's URL-encoding for the event would throw on it.
 */
const objectKeySchema = z.string().refine((key) => !/\p{Cs}/u.test(key), 'the key is not valid Unicode');

/** What a record must have to be matched; everything else is filled in or kept as sent. */
const rawRecordSchema = z
  .object({
    eventName: z.string().min(1),
    eventTime: z.string().optional(),
    eventVersion: z.string().optional(),
    awsRegion: z.string().optional(),
    s3: z
      .object({
        bucket: z.object({ name: z.string().min(1) }).loose(),
        object: z.object({ key: objectKeySchema, sequencer: z.string().optional(), versionId: z.string().optional() }).loose(),
      })
      .loose(),
  })
  .loose();

export const s3EventSchema = z.object({ Records: z.array(z.unknown()) }).loose();

/** How the records arrived: SNS deliveries name their message, so a retry of it has the same identity. */
export interface RecordDelivery {
  readonly region: string;
  readonly snsMessageId?: string;
}

export type RawS3Record = z.infer<typeof rawRecordSchema>;

export function parseS3Record(value: unknown): RawS3Record | undefined {
  const result = rawRecordSchema.safeParse(value);
  return result.success ? result.data : undefined;
}

/**
 * One S3 event record as a PushEvent whose payload is `{"Records":[record]}` exactly as Lambda
 * receives it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html):
 * eventVersion 2.1 or later, eventSource aws:s3, eventName without "s3:", the key URL-encoded
 * AWS's way, `s3.configurationId` the binding's id. Where a sender leaves fields out (moto sends no
 * userIdentity, requestParameters, responseElements, ownerIdentity or sequencer; MinIO sends
 * eventVersion 2.0, "minio:s3", "s3:"-prefixed names, an empty region), they are filled in.
 */
export function s3RecordEvent(raw: RawS3Record, index: number, delivery: RecordDelivery): PushEvent {
  const eventName = raw.eventName.replace(/^s3:/, '');
  const key = decodeS3EventKey(raw.s3.object.key);
  const identity = recordIdentity(raw, eventName, key, index, delivery);
  const record = normalise(raw, eventName, key, identity, delivery.region);
  return {
    bucket: raw.s3.bucket.name,
    eventName,
    key,
    identity,
    payloadFor: (bindingId) => JSON.stringify({ Records: [{ ...record, s3: { ...record.s3, configurationId: bindingId } }] }),
  };
}

/**
 * What names one delivery of one record, so that a re-delivery is recognised and a new PUT is not.
 * - Through SNS: the MessageId (unique per published message, kept on every retry of it:
 *   https://docs.aws.amazon.com/sns/latest/dg/http-notification-json.html) and the record's place.
 * - Posted directly: what S3 writes per request and per object event, all of it: the request id
 *   (`responseElements.x-amz-request-id`, S3's id of the request that caused the event), versionId,
 *   eTag, sequencer and eventTime
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 *   S3 delivers at least once (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html):
 *   its second copy repeats all of these, so it is still a duplicate.
 * The sequencer alone is not enough: it orders events of one key on AWS, and LocalStack sends one
 * fixed value in every notification (its request id and eventTime still differ per PUT).
 */
function recordIdentity(raw: RawS3Record, eventName: string, key: string, index: number, delivery: RecordDelivery): string {
  if (delivery.snsMessageId !== undefined) return deliveryIdentity('sns', delivery.snsMessageId, index);
  const object = raw.s3.object as Record<string, unknown>;
  const requestId = ((raw as Record<string, unknown>).responseElements as Record<string, unknown> | undefined)?.['x-amz-request-id'];
  return deliveryIdentity('s3', raw.s3.bucket.name, key, eventName, requestId, object.versionId, object.eTag, object.sequencer, raw.eventTime, object.size);
}

function normalise(raw: RawS3Record, eventName: string, key: string, identity: string, region: string) {
  const digest = createHash('sha256').update(identity).digest();
  const given = raw as Record<string, unknown>;
  const s3 = raw.s3 as Record<string, unknown> & RawS3Record['s3'];
  const bucket = s3.bucket as Record<string, unknown> & { name: string };
  const object = s3.object as Record<string, unknown> & RawS3Record['s3']['object'];
  const eventTime = isoTime(raw.eventTime);
  const responseElements = (given.responseElements ?? {}) as Record<string, unknown>;
  return {
    ...given,
    eventVersion: versionAtLeast21(raw.eventVersion),
    eventSource: 'aws:s3',
    awsRegion: raw.awsRegion === undefined || raw.awsRegion === '' ? region : raw.awsRegion,
    eventTime,
    eventName,
    userIdentity: given.userIdentity ?? { principalId: 'unknown' },
    requestParameters: given.requestParameters ?? { sourceIPAddress: '127.0.0.1' },
    responseElements: {
      'x-amz-request-id': digest.subarray(0, 8).toString('hex').toUpperCase(),
      'x-amz-id-2': digest.toString('base64'),
      ...responseElements,
    },
    s3: {
      ...s3,
      s3SchemaVersion: '1.0',
      bucket: { ...bucket, ownerIdentity: bucket.ownerIdentity ?? { principalId: 'unknown' }, arn: bucket.arn ?? `arn:aws:s3:::${bucket.name}` },
      object: {
        ...object,
        key: encodeS3EventKey(key),
        ...(object.sequencer === undefined && hasSequencer(eventName) ? { sequencer: timeSequencer(eventTime) } : {}),
      },
    },
  };
}

function versionAtLeast21(version: string | undefined): string {
  const n = Number(version);
  return Number.isFinite(n) && n >= 2.1 ? version! : '2.1';
}

function isoTime(value: string | undefined): string {
  const ms = value === undefined ? Number.NaN : Date.parse(value);
  return new Date(Number.isNaN(ms) ? Date.now() : ms).toISOString();
}

/** S3 gives a sequencer to PUT and DELETE events only (notification-content-structure.html above). */
function hasSequencer(eventName: string): boolean {
  return eventName.startsWith('ObjectCreated:') || eventName.startsWith('ObjectRemoved:');
}

/** A stand-in sequencer for senders without one: hex, fixed width, growing with the event time (ordering only). */
function timeSequencer(eventTime: string): string {
  return (BigInt(Date.parse(eventTime)) * 1_000_000n).toString(16).toUpperCase().padStart(18, '0');
}
