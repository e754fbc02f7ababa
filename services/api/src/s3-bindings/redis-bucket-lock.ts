import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineLuaScript, runLuaScript, type RedisKeys } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';

/**
 * One writer at a time per bucket for read-modify-write of its notification configuration (S3 has
 * no conditional put for it), across every API process: SET NX PX with a token, released by Lua
 * only by its holder. The lease outlives a slow S3 call; a dead holder's lock expires.
 */
export class RedisBucketLock {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: { leaseMs: number; waitMs: number } = { leaseMs: 30_000, waitMs: 10_000 },
  ) {
    defineLuaScript(redis, 'releaseLock-1.lua');
  }

  async withLock<T>(bucket: string, work: () => Promise<T>): Promise<T> {
    const key = this.keys.ownSlotKey('s3-notification-lock', bucket);
    const token = randomUUID();
    const deadline = Date.now() + this.options.waitMs;
    while ((await this.redis.set(key, token, 'PX', this.options.leaseMs, 'NX')) !== 'OK') {
      if (Date.now() > deadline) {
        throw new LambdaApiError('TooManyRequestsException', `Another request is changing the notification configuration of bucket ${bucket}; retry.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      return await work();
    } finally {
      await runLuaScript<number>(this.redis, 'releaseLock', [key], [token]);
    }
  }
}
