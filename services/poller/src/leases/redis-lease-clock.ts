import type { Redis } from 'ioredis';
import type { LeaseClock } from './lease-clock.js';

/** Redis's TIME in epoch milliseconds: the clock the lease scripts write expiresAt on. */
export class RedisLeaseClock implements LeaseClock {
  constructor(private readonly redis: Redis) {}

  async nowMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }
}
