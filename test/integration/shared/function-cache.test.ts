import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import { CachedFunctionStore, FunctionChangeListener, RedisFunctionStore, createLogger, createRedis, createRedisKeys, functionChangesChannel, type FunctionDefinition } from '@sluice/shared';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';

// The worker's function cache against real Redis: the registry's writes publish change notices, and
// with an hour-long TTL only a notice (or a lost subscription) can make the cache read again.
describe('function cache with change notices', () => {
  const { redisUrl } = inject('stack');
  const HOUR = 3_600_000;
  let prefix: string;
  let apiRedis: Redis;
  let workerRedis: Redis;
  let subscriber: Redis;
  let subscriberId: string;
  let registry: RedisFunctionStore;
  let reads: number;
  let cache: CachedFunctionStore;
  let listener: FunctionChangeListener;
  const url = (port: number) => `http://127.0.0.1:${port}/`;
  const version = (port: number): FunctionDefinition => buildFunction('orders', { type: 'http', url: url(port) });
  const urlOf = async () => {
    const fn = await cache.get('orders');
    return fn?.invoker.type === 'http' ? fn.invoker.url : undefined;
  };

  beforeEach(async () => {
    prefix = uniqueName('fncache');
    const keys = createRedisKeys(prefix);
    // The API's registry and the worker's read it through connections of their own.
    apiRedis = createRedis(redisUrl);
    registry = new RedisFunctionStore(apiRedis, keys);
    workerRedis = createRedis(redisUrl);
    const workerStore = new RedisFunctionStore(workerRedis, keys);
    reads = 0;
    cache = new CachedFunctionStore({ get: (name) => ((reads += 1), workerStore.get(name)) }, { ttlMs: HOUR });
    subscriber = createRedis(redisUrl);
    subscriberId = String(await subscriber.client('ID'));
    listener = new FunctionChangeListener(subscriber, functionChangesChannel(keys), cache, createLogger({ level: 'silent' }));
    await registry.create(version(9001));
    await listener.start();
  });

  afterEach(async () => {
    await listener.stop();
    await Promise.all([apiRedis.quit(), workerRedis.quit()]);
    await deleteRedisPrefix(redisUrl, prefix);
  });

  it('reads a function once, then serves it from memory', async () => {
    // Act
    const first = await urlOf();
    const second = await urlOf();
    // Assert
    expect([first, second]).toEqual([url(9001), url(9001)]);
    expect(reads).toBe(1);
  });

  it('sees an update and a removal as soon as their notices arrive', async () => {
    // Arrange
    await urlOf();
    // Act + Assert: the cached entry would otherwise live an hour.
    await registry.update(version(9002));
    await waitFor(async () => (await urlOf()) === url(9002), { message: 'the update never reached the cache' });
    expect(await registry.remove('orders')).toEqual({ outcome: 'removed' });
    await waitFor(async () => (await cache.get('orders')) === undefined, { message: 'the removal never reached the cache' });
  });

  it('does not trust what it holds across a lost subscription (injected: CLIENT KILL)', async () => {
    // Arrange: cached, then the subscriber's connection is killed and the record changes without a notice.
    await urlOf();
    const inspector = createRedis(redisUrl);
    try {
      expect(await inspector.client('KILL', 'ID', subscriberId)).toBe(1);
      await inspector.set(createRedisKeys(prefix).key('fn', 'orders'), JSON.stringify(version(9003)));
    } finally {
      await inspector.quit();
    }
    // Assert: the change without a notice is seen, and notices work again after the reconnect.
    await waitFor(async () => (await urlOf()) === url(9003), { message: 'the cache kept a definition across a lost subscription' });
    await registry.update(version(9004));
    await waitFor(async () => (await urlOf()) === url(9004), { message: 'no notice after the reconnect' });
  });
});
