import { describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '@sluice/shared';
import { FunctionDefinitionCache } from '../../../../../services/api/src/invoke/function-definition-cache.js';

function registry() {
  const defs = new Map<string, FunctionDefinition>();
  let reads = 0;
  return {
    defs,
    reads: () => reads,
    get: async (name: string) => {
      reads += 1;
      return defs.get(name);
    },
  };
}

const fn = (name: string, timeout = 3) => ({ name, timeout }) as FunctionDefinition;

describe('FunctionDefinitionCache', () => {
  it('reads a function once per ttl', async () => {
    const store = registry();
    store.defs.set('orders', fn('orders'));
    let now = 1_000;
    const cache = new FunctionDefinitionCache(store, 1_000, () => now);

    expect(await cache.get('orders')).toEqual(fn('orders'));
    expect(await cache.get('orders')).toEqual(fn('orders'));
    expect(store.reads()).toBe(1);

    store.defs.set('orders', fn('orders', 9));
    now += 999;
    expect((await cache.get('orders'))?.timeout).toBe(3);
    now += 1;
    expect((await cache.get('orders'))?.timeout).toBe(9);
    expect(store.reads()).toBe(2);
  });

  it('never remembers a function that does not exist, so one registered a moment later is found', async () => {
    const store = registry();
    const cache = new FunctionDefinitionCache(store, 60_000, () => 0);

    expect(await cache.get('orders')).toBeUndefined();
    store.defs.set('orders', fn('orders'));

    expect(await cache.get('orders')).toEqual(fn('orders'));
  });
});
