import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

/** What a check of the registry found. */
export type RegistryCheck = 'same' | 'vanished';

/**
 * The registry's epoch: a random id stored once under the installation's prefix, the first time a
 * process finds none. Every key Sluice writes lives beside it, so when the epoch a process saw is
 * gone (or another one is there), Redis lost its data under the running Sluice: restarted without
 * persistence, flushed, or failed over to an empty replica. Mappings, functions, leases,
 * checkpoints and queued batches went with it, and nobody deleted them: the process says so once,
 * instead of taking each missing mapping for a deletion.
 */
export class RegistryEpoch {
  private readonly key: string;
  private known: string | undefined;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
    private readonly newId: () => string = randomUUID,
  ) {
    this.key = keys.key('registry-epoch');
  }

  /** Reads the epoch, creating it when there is none yet (a new installation, or a Redis from before epochs). */
  async start(): Promise<void> {
    this.known = await this.current();
  }

  /**
   * Compares the stored epoch with the one seen before; a registry that vanished gets a new epoch
   * at once (what is written from now on belongs to it), so it is reported once per loss.
   */
  async check(): Promise<RegistryCheck> {
    const now = await this.current();
    if (this.known === undefined || now === this.known) {
      this.known = now;
      return 'same';
    }
    this.known = now;
    return 'vanished';
  }

  private async current(): Promise<string> {
    // SET NX then GET: whichever process creates it first, every process reads the same one.
    await this.redis.set(this.key, this.newId(), 'NX');
    return (await this.redis.get(this.key))!;
  }
}
