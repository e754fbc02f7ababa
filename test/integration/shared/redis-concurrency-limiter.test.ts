import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisConcurrencyLimiter, createRedis, createRedisKeys } from '@sluice/shared';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';

describe('RedisConcurrencyLimiter', () => {
  const { redisUrl } = inject('stack');
  let prefix: string;
  let redis: Redis;
  let other: Redis;

  beforeEach(() => {
    prefix = uniqueName('concurrency');
    redis = createRedis(redisUrl);
    other = createRedis(redisUrl);
  });
  afterEach(async () => {
    await Promise.all([redis.quit(), other.quit()]);
    await deleteRedisPrefix(redisUrl, prefix);
  });

  it('two limiters (two processes) share one function\'s limit; a released slot is free again', async () => {
    const a = new RedisConcurrencyLimiter(redis, createRedisKeys(prefix));
    const b = new RedisConcurrencyLimiter(other, createRedisKeys(prefix));

    const first = await a.acquire('orders', 2, 30_000);
    const second = await b.acquire('orders', 2, 30_000);
    const third = await a.acquire('orders', 2, 30_000);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(third).toBeUndefined();
    // Another function has its own slots.
    expect(await b.acquire('billing', 1, 30_000)).toBeDefined();

    await first!.release();
    await first!.release();
    expect(await b.acquire('orders', 2, 30_000)).toBeDefined();
    expect(await a.acquire('orders', 2, 30_000)).toBeUndefined();
  });

  it('a limit of 0 never grants a slot', async () => {
    const limiter = new RedisConcurrencyLimiter(redis, createRedisKeys(prefix));
    expect(await limiter.acquire('orders', 0, 30_000)).toBeUndefined();
  });

  it('a slot whose holder never released it lapses after its lease', async () => {
    const limiter = new RedisConcurrencyLimiter(redis, createRedisKeys(prefix));
    expect(await limiter.acquire('orders', 1, 150)).toBeDefined();
    expect(await limiter.acquire('orders', 1, 150)).toBeUndefined();

    const slot = await waitFor(() => limiter.acquire('orders', 1, 30_000), { timeoutMs: 5_000 });

    expect(slot).toBeDefined();
  });
});
