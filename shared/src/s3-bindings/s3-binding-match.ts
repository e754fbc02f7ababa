import type { S3Binding } from './s3-binding.js';
import { eventNameMatches } from './s3-event-types.js';
import { keyMatches } from './s3-key-filter.js';

/**
 * Whether an event of a bucket reaches a binding: the bucket, an event type (wildcards included)
 * and the key filter, applied to the key as stored (the record's key URL-decoded), as S3 applies it.
 */
export function bindingMatches(binding: S3Binding, event: { bucket: string; eventName: string; key: string }): boolean {
  return binding.bucket === event.bucket && eventNameMatches(binding.events, event.eventName) && keyMatches(binding.filter, event.key);
}
