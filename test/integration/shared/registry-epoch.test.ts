import { afterAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { RegistryEpoch, createRedisKeys } from '@sluice/shared';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';

const stack = inject('stack');
const prefix = uniqueName('epoch');
const redis = new Redis(stack.redisUrl);

afterAll(async () => {
  await deleteRedisPrefix(stack.redisUrl, prefix);
  redis.disconnect();
});

describe('RegistryEpoch', () => {
  it('is the same for every process until Redis loses the registry, which each process sees once', async () => {
    // Arrange: two processes of one installation
    const keys = createRedisKeys(prefix);
    const a = new RegistryEpoch(redis, keys);
    const b = new RegistryEpoch(redis, keys);
    await a.start();
    await b.start();
    expect([await a.check(), await b.check()]).toEqual(['same', 'same']);

    // Act: the installation's keys are gone (a Redis restarted without persistence)
    await deleteRedisPrefix(stack.redisUrl, prefix);

    // Assert
    expect(await a.check()).toBe('vanished');
    expect(await b.check()).toBe('vanished');
    expect([await a.check(), await b.check()]).toEqual(['same', 'same']);
  });
});
