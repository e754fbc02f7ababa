import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  ErrorCode,
  RedisEventInvokeConfigStore,
  RedisFunctionStore,
  createRedis,
  createRedisKeys,
  type EventInvokeConfig,
  type FunctionDefinition,
} from '@sluice/shared';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';

/** A function nothing listens for, the same at every call. */
const definition = (name: string): FunctionDefinition => buildFunction(name, { type: 'http', url: 'http://127.0.0.1:1/' }, 3, 1_760_000_000_000);

function config(functionName: string, qualifier = '$LATEST', extra: Partial<EventInvokeConfig> = {}): EventInvokeConfig {
  return { functionName, qualifier, lastModified: 1_760_000_000_000, ...extra };
}

describe('RedisEventInvokeConfigStore', () => {
  const { redisUrl } = inject('stack');
  let prefix: string;
  let redis: Redis;
  let store: RedisEventInvokeConfigStore;
  let functions: RedisFunctionStore;

  beforeEach(async () => {
    prefix = uniqueName('eic');
    redis = createRedis(redisUrl);
    const keys = createRedisKeys(prefix);
    store = new RedisEventInvokeConfigStore(redis, keys);
    functions = new RedisFunctionStore(redis, keys);
    await functions.create(definition('orders'));
  });
  afterEach(async () => {
    await redis.quit();
    await deleteRedisPrefix(redisUrl, prefix);
  });

  it('puts, replaces, reads, lists and removes one qualifier\'s config', async () => {
    const first = config('orders', '$LATEST', { maximumRetryAttempts: 1, onFailure: 'arn:aws:sqs:us-east-1:000000000000:dlq' });
    await store.put(first);
    expect(await store.get('orders', '$LATEST')).toEqual(first);

    const replaced = config('orders', '$LATEST', { maximumEventAgeInSeconds: 60, lastModified: 1_760_000_001_000 });
    await store.put(replaced);
    expect(await store.get('orders', '$LATEST')).toEqual(replaced);
    expect(await store.list('orders')).toEqual([replaced]);

    expect(await store.remove('orders', '$LATEST')).toBe(true);
    expect(await store.remove('orders', '$LATEST')).toBe(false);
    expect(await store.get('orders', '$LATEST')).toBeUndefined();
    expect(await store.list('orders')).toEqual([]);
  });

  it('lists every qualifier of one function, and only that function\'s', async () => {
    await functions.create(definition('billing'));
    await store.put(config('orders', 'live'));
    await store.put(config('orders', '$LATEST'));
    await store.put(config('billing', '$LATEST'));

    expect((await store.list('orders')).map((c) => c.qualifier)).toEqual(['$LATEST', 'live']);
    expect((await store.list('billing')).map((c) => c.functionName)).toEqual(['billing']);
  });

  it('refuses a config for a function that is not registered, and writes nothing', async () => {
    await expect(store.put(config('ghost'))).rejects.toMatchObject({ code: ErrorCode.FunctionNotFound });
    expect(await store.get('ghost', '$LATEST')).toBeUndefined();
  });

  it('deleting the function deletes its configs in the same script', async () => {
    await store.put(config('orders'));

    expect(await functions.remove('orders')).toEqual({ outcome: 'removed' });

    expect(await store.get('orders', '$LATEST')).toBeUndefined();
    // A function registered again under the same name starts without the old settings.
    await functions.create(definition('orders'));
    expect(await store.list('orders')).toEqual([]);
  });

  it('a function still used by a mapping keeps its configs (the delete is refused)', async () => {
    await store.put(config('orders'));
    const keys = createRedisKeys(prefix);
    // The by-function mapping set is what removeFunction-5.lua checks; one member is enough.
    await redis.sadd(keys.key('esm-by-function', 'orders'), 'a1b2c3d4-0000-4000-8000-000000000001');

    expect(await functions.remove('orders')).toMatchObject({ outcome: 'in-use' });

    expect(await store.get('orders', '$LATEST')).toEqual(config('orders'));
  });
});
