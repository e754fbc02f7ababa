import type { Redis } from 'ioredis';
import type { RedisKeys } from '@sluice/shared';

/** Remembers the requestIds already queued, for as long as duplicates of a notification can arrive. */
export interface PushDedup {
  seen(requestId: string): Promise<boolean>;
  remember(requestId: string): Promise<void>;
}

/**
 * PushDedup in Redis: one key per requestId with a TTL (SLUICE_INGRESS_DEDUP_TTL_MS). The async
 * queue's job id already drops a re-add while the job is kept, but a finished job may be removed
 * at any time; this record outlives it. It is written after the job is queued, so a crash between
 * the two gives a duplicate (at least once, as AWS delivers), never a lost event; two deliveries at
 * the same moment still meet at the job id.
 */
export class RedisPushDedup implements PushDedup {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
  ) {}

  async seen(requestId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(requestId))) === 1;
  }

  async remember(requestId: string): Promise<void> {
    await this.redis.set(this.key(requestId), '1', 'PX', this.ttlMs);
  }

  private key(requestId: string): string {
    return this.keys.ownSlotKey('s3-push-seen', requestId);
  }
}
