/**
 * One event pushed to the ingress, ready to match bindings: the bucket, the S3 event name
 * (`ObjectCreated:Put`), the key as stored (decoded), a stable identity that is the same for every
 * delivery of this event, and the payload a function bound with `bindingId` receives.
 */
export interface PushEvent {
  readonly bucket: string;
  readonly eventName: string;
  readonly key: string;
  readonly identity: string;
  payloadFor(bindingId: string): string;
}

/** An identity from the parts that name a delivery; absent parts count as empty, so fields may be missing. */
export function deliveryIdentity(...parts: unknown[]): string {
  return parts.map((part) => (part === undefined || part === null ? '' : String(part))).join('\n');
}
