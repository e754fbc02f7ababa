import { createHash } from 'node:crypto';

/**
 * The async invocation's requestId (and BullMQ job id) for one event and one binding: a UUID-shaped
 * digest, so every delivery of the same event to the same binding names the same job.
 */
export function pushRequestId(bindingId: string, identity: string): string {
  const hex = createHash('sha256').update(`${bindingId}\n${identity}`).digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant bits.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
