import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisFunctionStore, RedisMappingStore, RedisTagStore, createRedis, createRedisKeys } from '@sluice/shared';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { buildEventSourceMapping, buildFunction } from '../../helpers/stream-batch-fixture.js';

// Tags of functions and mappings on real Redis: every write checks the resource and the limit
// in the same script (writeTags-2.lua), so a concurrent delete or a second writer cannot slip past.
describe('RedisTagStore', () => {
  const { redisUrl } = inject('stack');
  let prefix: string;
  let redis: Redis;
  let tags: RedisTagStore;
  let functions: RedisFunctionStore;
  let mappings: RedisMappingStore;
  const fn = { kind: 'function', name: 'orders' } as const;

  beforeEach(async () => {
    prefix = uniqueName('tags');
    redis = createRedis(redisUrl);
    const keys = createRedisKeys(prefix);
    tags = new RedisTagStore(redis, keys);
    functions = new RedisFunctionStore(redis, keys);
    mappings = new RedisMappingStore(redis, keys);
    await functions.create(buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' }, 3, 1_760_000_000_000));
  });
  afterEach(async () => {
    await redis.quit();
    await deleteRedisPrefix(redisUrl, prefix);
  });

  it('tags, overwrites, untags and lists a function; a function that does not exist is missing', async () => {
    expect(await tags.list(fn)).toEqual({});
    expect(await tags.tag(fn, { team: 'data', env: 'dev' }, 50)).toEqual({ outcome: 'written' });
    expect(await tags.tag(fn, { env: 'prod', 'cost:centre é': '42 / x' }, 50)).toEqual({ outcome: 'written' });
    expect(await tags.list(fn)).toEqual({ team: 'data', env: 'prod', 'cost:centre é': '42 / x' });
    expect(await tags.untag(fn, ['team', 'nope'])).toEqual({ outcome: 'written' });
    expect(await tags.list(fn)).toEqual({ env: 'prod', 'cost:centre é': '42 / x' });
    expect(await tags.untag(fn, ['env', 'cost:centre é'])).toEqual({ outcome: 'written' });
    expect(await tags.list(fn)).toEqual({});

    const ghost = { kind: 'function', name: 'ghost' } as const;
    expect(await tags.list(ghost)).toBeUndefined();
    expect(await tags.tag(ghost, { a: 'b' }, 50)).toEqual({ outcome: 'missing' });
    expect(await tags.untag(ghost, ['a'])).toEqual({ outcome: 'missing' });
  });

  it('refuses a write that would pass the limit and keeps what was there', async () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'v']));
    expect(await tags.tag(fn, ten, 10)).toEqual({ outcome: 'written' });
    expect(await tags.tag(fn, { k0: 'overwritten' }, 10)).toEqual({ outcome: 'written' });
    expect(await tags.tag(fn, { k10: 'v' }, 10)).toEqual({ outcome: 'over-limit', count: 11 });
    expect(Object.keys((await tags.list(fn))!)).toHaveLength(10);
    expect((await tags.list(fn))!['k0']).toBe('overwritten');
  });

  it('forgets the tags of a deleted function: one created again under its name starts untagged', async () => {
    await tags.tag(fn, { team: 'data' }, 50);
    expect(await functions.remove('orders')).toEqual({ outcome: 'removed' });
    expect(await tags.list(fn)).toBeUndefined();
    await functions.create(buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' }, 3, 1_760_000_001_000));
    expect(await tags.list(fn)).toEqual({});
  });

  it('keeps a mapping\'s Create tags beside its record, changes them, and drops them with it', async () => {
    const mapping = buildEventSourceMapping({ uuid: '0d4f0b2c-1111-4222-8333-944455556666', functionName: 'orders' });
    const resource = { kind: 'mapping', uuid: mapping.uuid } as const;
    expect(await tags.list(resource)).toBeUndefined();
    expect(await mappings.create(mapping, Date.now(), { team: 'data' })).toEqual({ outcome: 'created' });
    expect(await tags.list(resource)).toEqual({ team: 'data' });
    expect(await tags.tag(resource, { env: 'dev' }, 50)).toEqual({ outcome: 'written' });
    expect(await tags.list(resource)).toEqual({ team: 'data', env: 'dev' });
    // Tags are not the mapping's settings: no version bump, so no update of the user's is made stale.
    expect((await mappings.get(mapping.uuid))?.version).toBe(1);
    expect(await mappings.remove((await mappings.get(mapping.uuid))!)).toBe('written');
    expect(await tags.list(resource)).toBeUndefined();
    expect(await tags.tag(resource, { a: 'b' }, 50)).toEqual({ outcome: 'missing' });
  });

  it('reads the Create tags a record written before the tags field kept in its JSON', async () => {
    const mapping = buildEventSourceMapping({ uuid: '1d4f0b2c-1111-4222-8333-944455556666', functionName: 'orders' });
    await mappings.create(mapping, Date.now());
    const record = `{${prefix}}:esm:${mapping.uuid}`;
    // As such a record was stored: Tags in the data JSON, no tags field.
    await redis.hset(record, 'data', JSON.stringify({ ...mapping, version: 1, tags: { legacy: 'yes' } }));
    await redis.hdel(record, 'tags');
    const resource = { kind: 'mapping', uuid: mapping.uuid } as const;
    expect(await tags.list(resource)).toEqual({ legacy: 'yes' });
    await tags.tag(resource, { more: '1' }, 50);
    expect(await tags.list(resource)).toEqual({ legacy: 'yes', more: '1' });
    await tags.untag(resource, ['legacy', 'more']);
    expect(await tags.list(resource)).toEqual({});
  });
});
