import { randomBytes } from 'node:crypto';

/**
 * `<label>-<8 hex>`: a name no other test or run uses, for streams, tables, functions and Redis
 * key prefixes on emulators and a Redis that are shared. Keep labels short: the result must stay
 * within the tightest limit it is used for (function names: 64, Redis prefixes: 64 characters).
 */
export function uniqueName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}
