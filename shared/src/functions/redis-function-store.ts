import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import { mappingKeys } from '../mapping/redis-mapping-store.js';
import { eventInvokeConfigKey } from './redis-event-invoke-config-store.js';
import type { FunctionDefinition } from './function-definition.js';
import { s3BindingsByFunctionKey } from '../s3-bindings/redis-s3-binding-store.js';
import type { FunctionPage, FunctionStore, RemoveFunctionResult } from './function-store.js';

/** removeFunction-5.lua's reply: {0} removed, {1} missing, {2, mappings, uuids, bindings, ids} in use. */
type RemoveReply = [0] | [1] | [2, number, string[], number, string[]];

/**
 * The pub/sub channel on which every change of a function's record (create, update, remove) is
 * published with the function's name, after the write: workers cache definitions and drop them on it.
 */
export function functionChangesChannel(keys: RedisKeys): string {
  return keys.key('fn-changes');
}

/** The zset of function names scored by creation ms (also the tag store's mark of a function's creation). */
export function functionOrderKey(keys: RedisKeys): string {
  return keys.key('fn-order');
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
    this.order = functionOrderKey(keys);
    this.changes = functionChangesChannel(keys);
    for (const file of ['createFunction-2.lua', 'removeFunction-5.lua']) defineLuaScript(redis, file);
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

  /**
   * Removes a function unless a mapping or an S3 binding still uses it; its event-invoke-configs go
   * with it, in the same script. The binding scripts keep the by-function sets it checks.
   */
  async remove(name: string): Promise<RemoveFunctionResult> {
    const reply = await runLuaScript<RemoveReply>(
      this.redis,
      'removeFunction',
      [this.k.functionRecord(name), this.order, this.k.byFunction(name), eventInvokeConfigKey(this.keys, name), s3BindingsByFunctionKey(this.keys, name)],
      [name],
    );
    if (reply[0] === 1) return { outcome: 'missing' };
    if (reply[0] === 2) {
      const [, mappingCount, mappingUuids, s3BindingCount, s3BindingIds] = reply;
      return { outcome: 'in-use', users: { mappingCount, mappingUuids: [...mappingUuids].sort(), s3BindingCount, s3BindingIds: [...s3BindingIds].sort() } };
    }
    await this.redis.publish(this.changes, name);
    return { outcome: 'removed' };
  }
}
