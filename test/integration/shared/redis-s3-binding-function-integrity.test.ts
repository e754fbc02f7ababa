import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  RedisFunctionStore,
  RedisS3BindingStore,
  createRedis,
  createRedisKeys,
  s3BindingsByFunctionKey,
  type FunctionDefinition,
  type RedisKeys,
  type S3Binding,
} from '@sluice/shared';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';

/** A function nothing listens for, the same at every call. */
const definition = (name: string): FunctionDefinition => buildFunction(name, { type: 'http', url: 'http://127.0.0.1:1/' }, 3, 1_760_000_000_000);

function binding(id: string, functionName: string, bucket = `bucket-${id}`): S3Binding {
  return {
    id,
    bucket,
    events: ['s3:ObjectCreated:*'],
    filter: {},
    functionName,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    createdAt: 1_760_000_000_000,
  };
}

// The registry's integrity between functions and S3 bindings, on real Redis: the binding scripts keep
// a per-function set of binding ids, removeFunction-5.lua refuses while it has members, and
// createS3Binding-8.lua refuses a function that is gone.
describe('S3 bindings and the function registry', () => {
  const { redisUrl } = inject('stack');
  let prefix: string;
  let keys: RedisKeys;
  let redis: Redis;
  let functions: RedisFunctionStore;
  let bindings: RedisS3BindingStore;

  beforeEach(async () => {
    prefix = uniqueName('s3b-fn');
    keys = createRedisKeys(prefix);
    redis = createRedis(redisUrl);
    functions = new RedisFunctionStore(redis, keys);
    bindings = new RedisS3BindingStore(redis, keys);
    await functions.create(definition('thumbs'));
  });
  afterEach(async () => {
    await redis.quit();
    await deleteRedisPrefix(redisUrl, prefix);
  });

  it('refuses to remove a function while a binding uses it, naming the binding, and removes it once the binding is gone', async () => {
    const thumbs = binding('thumbs-jpg', 'thumbs');
    expect(await bindings.create(thumbs, 0)).toBe('created');
    expect(await redis.smembers(s3BindingsByFunctionKey(keys, 'thumbs'))).toEqual(['thumbs-jpg']);

    expect(await functions.remove('thumbs')).toEqual({
      outcome: 'in-use',
      users: { mappingCount: 0, mappingUuids: [], s3BindingCount: 1, s3BindingIds: ['thumbs-jpg'] },
    });
    expect(await functions.get('thumbs')).toEqual(definition('thumbs'));

    expect(await bindings.remove(thumbs)).toBe(true);
    expect(await redis.exists(s3BindingsByFunctionKey(keys, 'thumbs'))).toBe(0);
    expect(await functions.remove('thumbs')).toEqual({ outcome: 'removed' });
    expect(await functions.get('thumbs')).toBeUndefined();
  });

  it('refuses a binding whose function was deleted after the caller checked it, leaving nothing behind', async () => {
    // The API's order: resolve the function, read the bucket's bindings, then write; the function goes in between.
    const { version } = await bindings.forBucket('late');
    expect(await functions.remove('thumbs')).toEqual({ outcome: 'removed' });

    expect(await bindings.create(binding('late-one', 'thumbs', 'late'), version)).toBe('function-missing');

    expect(await bindings.get('late-one')).toBeUndefined();
    expect(await bindings.forBucket('late')).toEqual({ version, bindings: [] });
    expect((await bindings.list(undefined, 50)).bindings).toEqual([]);
    expect(await redis.exists(s3BindingsByFunctionKey(keys, 'thumbs'))).toBe(0);
  });

  it('a binding created and its function deleted at once: whichever write lands first wins, and no binding is left without its function', async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 10; round += 1) {
      const name = `racing-${round}`;
      await functions.create(definition(name));
      const { version } = await bindings.forBucket(`race-${round}`);

      // Both writes go out at once on one connection; odd rounds send the removal first.
      const createBinding = () => bindings.create(binding(`b-${round}`, name, `race-${round}`), version);
      const removeFunction = () => functions.remove(name);
      const [created, removed] =
        round % 2 === 0
          ? await Promise.all([createBinding(), removeFunction()])
          : await Promise.all([removeFunction(), createBinding()]).then(([r, c]) => [c, r] as const);

      outcomes.add(`${created}/${removed.outcome}`);
      if (created === 'created') {
        expect(removed.outcome, `round ${round}`).toBe('in-use');
        expect(await functions.get(name), `round ${round}`).toBeDefined();
      } else {
        expect([created, removed.outcome], `round ${round}`).toEqual(['function-missing', 'removed']);
        expect(await bindings.get(`b-${round}`), `round ${round}`).toBeUndefined();
      }
    }
    expect([...outcomes].sort()).toEqual(['created/in-use', 'function-missing/removed']);
  });

  it('names both kinds of user, at most 5 ids each with the full counts', async () => {
    for (let i = 1; i <= 7; i += 1) expect(await bindings.create(binding(`b${i}`, 'thumbs'), 0)).toBe('created');
    // The by-function mapping set is what createMapping-8.lua / removeMapping-6.lua keep; one member stands for a mapping.
    await redis.sadd(keys.key('esm-by-function', 'thumbs'), 'a1b2c3d4-0000-4000-8000-000000000001');

    const result = await functions.remove('thumbs');

    expect(result).toMatchObject({ outcome: 'in-use', users: { mappingCount: 1, mappingUuids: ['a1b2c3d4-0000-4000-8000-000000000001'], s3BindingCount: 7 } });
    const ids = result.outcome === 'in-use' ? result.users.s3BindingIds : [];
    expect(ids).toHaveLength(5);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^b[1-7]$/);
  });

  it('keeps each function\'s set to its own bindings', async () => {
    await functions.create(definition('other'));
    expect(await bindings.create(binding('mine', 'thumbs'), 0)).toBe('created');
    expect(await bindings.create(binding('theirs', 'other'), 0)).toBe('created');

    expect(await functions.remove('other')).toMatchObject({ outcome: 'in-use', users: { s3BindingIds: ['theirs'] } });
    expect(await bindings.remove(binding('theirs', 'other'))).toBe(true);
    expect(await functions.remove('other')).toEqual({ outcome: 'removed' });
    expect(await redis.smembers(s3BindingsByFunctionKey(keys, 'thumbs'))).toEqual(['mine']);
  });
});
