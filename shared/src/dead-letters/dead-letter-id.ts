/**
 * A UUIDv7 (RFC 9562) for a dead letter: 48 bits of creation ms, then 74 bits taken from `seed`
 * (a random UUID). The ids sort lexicographically by creation time, which is the store's order,
 * and the same seed gives the same id, so parking a record again after a crash stays one entry.
 */
export function deadLetterId(createdAtMs: number, seed: string): string {
  const random = seed.replace(/[^0-9a-f]/gi, '').toLowerCase().padEnd(32, '0');
  const ms = Math.max(0, Math.floor(createdAtMs)).toString(16).padStart(12, '0').slice(-12);
  const variant = ((parseInt(random[3]!, 16) & 0x3) | 0x8).toString(16);
  const hex = `${ms}7${random.slice(0, 3)}${variant}${random.slice(4, 19)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Lowercase UUIDs, the only ids the store hands out; anything else cannot name a dead letter. */
export const DEAD_LETTER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
