import type { Redis } from 'ioredis';
import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import { mappingKeys } from '../mapping/redis-mapping-store.js';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import type { EventInvokeConfig, EventInvokeConfigStore } from './event-invoke-config.js';

/** Where one function's event-invoke-configs live: a hash of qualifier -> JSON (removeFunction-5.lua deletes it). */
export function eventInvokeConfigKey(keys: RedisKeys, functionName: string): string {
  return keys.key('fn-eic', functionName);
}

/**
 * EventInvokeConfigStore on Redis: one hash per function, one field per qualifier. Writes happen
 * only while the function is registered (putEventInvokeConfig-2.lua), and deleting the function
 * deletes the hash in the same script (removeFunction-5.lua), so no config outlives its function.
 */
export class RedisEventInvokeConfigStore implements EventInvokeConfigStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    defineLuaScript(redis, 'putEventInvokeConfig-2.lua');
  }

  async get(functionName: string, qualifier: string): Promise<EventInvokeConfig | undefined> {
    const data = await this.redis.hget(eventInvokeConfigKey(this.keys, functionName), qualifier);
    return data === null ? undefined : (JSON.parse(data) as EventInvokeConfig);
  }

  /** Throws SluiceError FUNCTION_NOT_FOUND when the function is not registered (any more). */
  async put(config: EventInvokeConfig): Promise<void> {
    const code = await runLuaScript<0 | 1>(
      this.redis,
      'putEventInvokeConfig',
      [mappingKeys(this.keys).functionRecord(config.functionName), eventInvokeConfigKey(this.keys, config.functionName)],
      [config.qualifier, JSON.stringify(config)],
    );
    if (code === 1) throw new SluiceError(ErrorCode.FunctionNotFound, `function ${config.functionName} is not registered`);
  }

  async remove(functionName: string, qualifier: string): Promise<boolean> {
    return (await this.redis.hdel(eventInvokeConfigKey(this.keys, functionName), qualifier)) === 1;
  }

  async list(functionName: string): Promise<readonly EventInvokeConfig[]> {
    const all = await this.redis.hgetall(eventInvokeConfigKey(this.keys, functionName));
    return Object.keys(all)
      .sort()
      .map((qualifier) => JSON.parse(all[qualifier]!) as EventInvokeConfig);
  }
}
