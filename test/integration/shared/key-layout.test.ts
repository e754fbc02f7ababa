import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KEY_LAYOUT, checkKeyLayout, createRedisKeys } from '@sluice/shared';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';

// The boot check of the key layout on a real Redis: a new installation is marked as this layout;
// one whose keys an older build wrote (everything under `{p}`) is recognised by what it left.
const stack = inject('stack');
const prefixes: string[] = [];
let redis: Redis;

function installation() {
  const prefix = uniqueName('layout');
  prefixes.push(prefix);
  return { prefix, keys: createRedisKeys(prefix) };
}

beforeAll(() => {
  redis = new Redis(stack.redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  for (const prefix of prefixes) await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('checkKeyLayout', () => {
  it('marks a new installation as this layout, and answers from the mark after that', async () => {
    const { prefix, keys } = installation();

    expect(await checkKeyLayout(redis, keys, false)).toEqual({ outcome: 'current' });
    expect(await redis.get(`{${prefix}}:key-layout`)).toBe(KEY_LAYOUT);
    await redis.set(`{${prefix}}:lease-keys:m-1`, 'x'); // written later by nobody: the mark wins
    expect(await checkKeyLayout(redis, keys, false)).toEqual({ outcome: 'current' });
  });

  it("finds the older layout's lease index or queue metadata, and writes no mark", async () => {
    const leases = installation();
    const queue = installation();
    await redis.sadd(`{${leases.prefix}}:lease-keys:3f2a`, `{${leases.prefix}}:lease:3f2a:arn:shardId-000000000000`);
    await redis.hset(`{${queue.prefix}}:async-invocations:meta`, 'version', 'bullmq:6');

    expect(await checkKeyLayout(redis, leases.keys, false)).toEqual({ outcome: 'older', evidence: `{${leases.prefix}}:lease-keys:3f2a` });
    expect(await checkKeyLayout(redis, queue.keys, false)).toEqual({ outcome: 'older', evidence: `{${queue.prefix}}:async-invocations:meta` });
    expect(await redis.exists(`{${leases.prefix}}:key-layout`, `{${queue.prefix}}:key-layout`)).toBe(0);
  });

  it('with reset, marks an older installation as this layout', async () => {
    const { prefix, keys } = installation();
    await redis.sadd(`{${prefix}}:lease-keys:3f2a`, 'x');

    expect(await checkKeyLayout(redis, keys, true)).toEqual({ outcome: 'current' });
    expect(await checkKeyLayout(redis, keys, false)).toEqual({ outcome: 'current' });
  });

  it("does not take this layout's own keys, or another installation's, for the older layout", async () => {
    const mine = installation();
    const other = installation();
    await redis.sadd(`${mine.keys.leaseKey('3f2a', 'lease-keys')}`, 'x');
    await redis.hset(`${mine.keys.queuePrefix('stream-batches')}:stream-batches:meta`, 'version', 'bullmq:6');
    await redis.sadd(`{${other.prefix}-x}:lease-keys:3f2a`, 'x');

    expect(await checkKeyLayout(redis, mine.keys, false)).toEqual({ outcome: 'current' });
  });
});
