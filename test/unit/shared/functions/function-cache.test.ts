import { describe, expect, it } from 'vitest';
import { CachedFunctionStore, type FunctionDefinition } from '@sluice/shared';
import { buildFunction } from '../../../helpers/stream-batch-fixture.js';

/** A registry in memory that counts its reads; while `gate` is set, reads wait for it. */
function countingStore(initial: FunctionDefinition[]) {
  const records = new Map(initial.map((fn) => [fn.name, fn]));
  const store = {
    reads: 0,
    records,
    gate: undefined as Promise<void> | undefined,
    async get(name: string) {
      store.reads += 1;
      const value = records.get(name);
      await store.gate;
      return value;
    },
  };
  return store;
}

const v1 = buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:9001/' });
const v2 = buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:9002/' });

describe('CachedFunctionStore', () => {
  it('reads the registry each time until it is trusted, then once', async () => {
    // Arrange
    const store = countingStore([v1]);
    const cache = new CachedFunctionStore(store);
    // Act
    await cache.get('orders');
    await cache.get('orders');
    cache.resume();
    await cache.get('orders');
    const last = await cache.get('orders');
    // Assert
    expect(last).toEqual(v1);
    expect(store.reads).toBe(3);
  });

  it('reads again after a change notice and returns the new definition', async () => {
    // Arrange
    const store = countingStore([v1]);
    const cache = new CachedFunctionStore(store);
    cache.resume();
    await cache.get('orders');
    // Act
    store.records.set('orders', v2);
    cache.changed('orders');
    // Assert
    expect(await cache.get('orders')).toEqual(v2);
    expect(store.reads).toBe(2);
  });

  it('never caches a function that is not registered', async () => {
    // Arrange
    const store = countingStore([]);
    const cache = new CachedFunctionStore(store);
    cache.resume();
    // Act
    const first = await cache.get('orders');
    store.records.set('orders', v1);
    const second = await cache.get('orders');
    // Assert
    expect(first).toBeUndefined();
    expect(second).toEqual(v1);
  });

  it('does not keep a read that overlapped a change notice', async () => {
    // Arrange: the first read is in flight when the notice arrives.
    const store = countingStore([v1]);
    const cache = new CachedFunctionStore(store);
    cache.resume();
    let open = () => undefined as void;
    store.gate = new Promise<void>((resolve) => (open = resolve));
    const overlapping = cache.get('orders');
    cache.changed('orders');
    store.gate = undefined;
    open();
    await overlapping;
    store.records.set('orders', v2);
    // Act
    const next = await cache.get('orders');
    // Assert: the overlapping read was used once, then the registry was read again.
    expect(next).toEqual(v2);
    expect(store.reads).toBe(2);
  });

  it('drops everything and reads the registry while suspended', async () => {
    // Arrange
    const store = countingStore([v1]);
    const cache = new CachedFunctionStore(store);
    cache.resume();
    await cache.get('orders');
    // Act
    cache.suspend();
    store.records.set('orders', v2);
    const whileSuspended = await cache.get('orders');
    await cache.get('orders');
    // Assert
    expect(whileSuspended).toEqual(v2);
    expect(store.reads).toBe(3);
  });

  it('reads again once an entry is older than the TTL, even without a notice', async () => {
    // Arrange
    let now = 1_000;
    const store = countingStore([v1]);
    const cache = new CachedFunctionStore(store, { ttlMs: 500, now: () => now });
    cache.resume();
    await cache.get('orders');
    store.records.set('orders', v2);
    // Act
    now += 499;
    const fresh = await cache.get('orders');
    now += 1;
    const expired = await cache.get('orders');
    // Assert
    expect(fresh).toEqual(v1);
    expect(expired).toEqual(v2);
    expect(store.reads).toBe(2);
  });
});
