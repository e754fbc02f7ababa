import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createRedisKeys } from '@sluice/shared';
import { RedisWorkerRegistry } from '../../../../services/poller/src/leases/redis-worker-registry.js';
import { deleteRedisPrefix } from '../../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../../helpers/unique-name.js';

const stack = inject('stack');

describe('RedisWorkerRegistry', () => {
  let redis: Redis;
  let prefix: string;
  let registry: RedisWorkerRegistry;

  beforeAll(() => {
    redis = new Redis(stack.redisUrl);
  });
  afterAll(() => redis.disconnect());
  beforeEach(() => {
    prefix = uniqueName('workers');
    registry = new RedisWorkerRegistry(redis, createRedisKeys(prefix));
  });
  afterEach(async () => {
    await deleteRedisPrefix(stack.redisUrl, prefix);
  });

  it('lists workers while their heartbeat lasts, and drops one that stopped heartbeating', async () => {
    // Arrange
    await registry.heartbeat('alive', 600);
    await registry.heartbeat('dying', 600);
    expect((await registry.liveWorkers()).sort()).toEqual(['alive', 'dying']);

    // Act: only one keeps heartbeating.
    for (let i = 0; i < 4; i++) {
      await sleep(200);
      await registry.heartbeat('alive', 600);
    }

    // Assert
    expect(await registry.liveWorkers()).toEqual(['alive']);
    // Heartbeats also prune registrations that ran out, so the zset does not grow with dead processes.
    expect(await redis.zrange(`{${prefix}}:poller-workers`, '0', '-1')).toEqual(['alive']);
  });

  it('remove() unregisters at once', async () => {
    await registry.heartbeat('a', 10_000);
    await registry.heartbeat('b', 10_000);
    await registry.remove('a');
    expect(await registry.liveWorkers()).toEqual(['b']);
  });
});
