import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import { mappingKeys } from '../mapping/redis-mapping-store.js';
import { eventInvokeConfigKey } from './redis-event-invoke-config-store.js';
import type { FunctionDefinition } from './function-definition.js';
import type { FunctionPage, FunctionStore } from './function-store.js';

const REMOVE_RESULTS = { 0: 'removed', 1: 'missing', 2: 'in-use' } as const;

/**
 * The pub/sub channel on which every change of a function's record (create, update, remove) is
 * published with the function's name, after the write: workers cache definitions and drop them on it.
 */
export function functionChangesChannel(keys: RedisKeys): string {
  return keys.key('fn-changes');
}

/**
 * FunctionStore on Redis: one string per function and a zset ordering them by registration. Every
 * write publishes the name on functionChangesChannel (an update in the same MULTI as its SET).
 */
export class RedisFunctionStore implements FunctionStore {
  private readonly k: ReturnType<typeof mappingKeys>;
  private readonly order: string;

  private readonly changes: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.k = mappingKeys(keys);
    this.order = keys.key('fn-order');
    this.changes = functionChangesChannel(keys);
    for (const file of ['createFunction-2.lua', 'removeFunction-4.lua']) defineLuaScript(redis, file);
  }

  async create(fn: FunctionDefinition): Promise<boolean> {
    const code = await runLuaScript<number>(
      this.redis,
      'createFunction',
      [this.k.functionRecord(fn.name), this.order],
      [fn.name, JSON.stringify(fn), fn.lastModified],
    );
    if (code === 0) await this.redis.publish(this.changes, fn.name);
    return code === 0;
  }

  async update(fn: FunctionDefinition): Promise<boolean> {
    // One MULTI: no worker can read the new record and miss the news of it (a crash in between).
    const replies = await this.redis.multi().set(this.k.functionRecord(fn.name), JSON.stringify(fn), 'XX').publish(this.changes, fn.name).exec();
    const [error, reply] = replies?.[0] ?? [new Error('update: the MULTI was discarded'), null];
    if (error) throw error;
    return reply === 'OK';
  }

  async get(name: string): Promise<FunctionDefinition | undefined> {
    const data = await this.redis.get(this.k.functionRecord(name));
    return data === null ? undefined : (JSON.parse(data) as FunctionDefinition);
  }

  async list(marker: string | undefined, limit: number): Promise<FunctionPage> {
    // Names are unique, so (score, name) orders the page; the marker is the last name returned.
    const all = await this.redis.zrange(this.order, '0', '-1');
    const start = marker === undefined ? 0 : all.indexOf(marker) + 1;
    const names = all.slice(start, start + limit);
    const datas = names.length === 0 ? [] : await this.redis.mget(names.map((n) => this.k.functionRecord(n)));
    const functions = datas.filter((d): d is string => d !== null).map((d) => JSON.parse(d) as FunctionDefinition);
    const more = start + limit < all.length;
    return { functions, ...(more ? { nextMarker: names.at(-1)! } : {}) };
  }

  /** Removes a function unless a mapping still uses it; its event-invoke-configs go with it, in the same script. */
  async remove(name: string): Promise<'removed' | 'missing' | 'in-use'> {
    const code = await runLuaScript<0 | 1 | 2>(
      this.redis,
      'removeFunction',
      [this.k.functionRecord(name), this.order, this.k.byFunction(name), eventInvokeConfigKey(this.keys, name)],
      [name],
    );
    if (code === 0) await this.redis.publish(this.changes, name);
    return REMOVE_RESULTS[code];
  }
}
