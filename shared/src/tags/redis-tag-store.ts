import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import { mappingKeys } from '../mapping/redis-mapping-store.js';
import { functionOrderKey } from '../functions/redis-function-store.js';
import type { TagStore, TagWriteResult, TaggedResource, Tags } from './tag-store.js';

/**
 * TagStore on Redis, one Lua script per operation (writeTags-2.lua, readTags-2.lua): a mapping's
 * tags live in its record hash (deleted with it), a function's in a hash of its own stamped with
 * the function's creation, so a function deleted and created again starts untagged.
 */
export class RedisTagStore implements TagStore {
  private readonly k: ReturnType<typeof mappingKeys>;
  private readonly functionOrder: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    this.k = mappingKeys(keys);
    this.functionOrder = functionOrderKey(keys);
    for (const file of ['writeTags-2.lua', 'readTags-2.lua']) defineLuaScript(redis, file);
  }

  async list(resource: TaggedResource): Promise<Tags | undefined> {
    const [code, json] = await runLuaScript<[number, string?]>(this.redis, 'readTags', this.scriptKeys(resource), this.scriptArgs(resource));
    return code === 1 ? undefined : (JSON.parse(json ?? '{}') as Tags);
  }

  async tag(resource: TaggedResource, tags: Tags, limit: number): Promise<TagWriteResult> {
    return this.write(resource, 'tag', limit, tags);
  }

  async untag(resource: TaggedResource, keys: readonly string[]): Promise<Exclude<TagWriteResult, { outcome: 'over-limit' }>> {
    return (await this.write(resource, 'untag', 0, keys)) as Exclude<TagWriteResult, { outcome: 'over-limit' }>;
  }

  private async write(resource: TaggedResource, op: 'tag' | 'untag', limit: number, change: Tags | readonly string[]): Promise<TagWriteResult> {
    const [code, count] = await runLuaScript<[number, number?]>(this.redis, 'writeTags', this.scriptKeys(resource), [
      ...this.scriptArgs(resource),
      op,
      limit,
      // An empty list must stay a JSON array for the script (cjson reads [] and {} alike).
      JSON.stringify(change),
    ]);
    if (code === 1) return { outcome: 'missing' };
    if (code === 2) return { outcome: 'over-limit', count: Number(count) };
    return { outcome: 'written' };
  }

  private scriptKeys(resource: TaggedResource): string[] {
    if (resource.kind === 'mapping') return [this.k.record(resource.uuid), this.k.record(resource.uuid)];
    return [this.functionOrder, this.keys.key('fn-tags', resource.name)];
  }

  private scriptArgs(resource: TaggedResource): string[] {
    return resource.kind === 'mapping' ? ['mapping', ''] : ['function', resource.name];
  }
}
