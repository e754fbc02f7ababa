import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import type { ConcurrencyLimiter, ConcurrencySlot } from './concurrency-limiter.js';

/**
 * ConcurrencyLimiter on Redis: one zset of slots per function, each a random token scored by when it
 * lapses on the Redis clock (acquireConcurrencySlot-1.lua takes one atomically, ZREM frees it).
 * Every process that counts its invocations here shares one limit, as Lambda's reserved concurrency is
 * per function, not per host (and an SQS mapping's MaximumConcurrency per mapping). A slot held by a process that died lapses after its lease.
 */
export class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    /** Whose slots: functions' reserved concurrency, or (`esm-concurrency`) mappings' MaximumConcurrency. */
    private readonly namespace: 'fn-concurrency' | 'esm-concurrency' = 'fn-concurrency',
  ) {
    defineLuaScript(redis, 'acquireConcurrencySlot-1.lua');
  }

  async acquire(functionName: string, limit: number, leaseMs: number): Promise<ConcurrencySlot | undefined> {
    // `functionName` names the slots' owner: a function, or a mapping's UUID in the esm namespace.
    if (limit <= 0) return undefined;
    const key = this.keys.ownSlotKey(this.namespace, functionName);
    const token = randomUUID();
    const taken = await runLuaScript<0 | 1>(this.redis, 'acquireConcurrencySlot', [key], [limit, token, Math.max(1, Math.ceil(leaseMs))]);
    if (taken === 0) return undefined;
    let released: Promise<void> | undefined;
    return {
      release: () => {
        released ??= this.redis.zrem(key, token).then(() => undefined);
        return released;
      },
    };
  }
}
