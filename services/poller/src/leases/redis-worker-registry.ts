import type { Redis } from 'ioredis';
import { defineLuaScript, leaseKeys, runLuaScript, type RedisKeys } from '@sluice/shared';
import type { WorkerRegistry } from './worker-registry.js';

/**
 * WorkerRegistry on one Redis zset per installation: member worker id, score expiry in epoch ms on
 * Redis's clock (TIME inside the scripts), so skewed process clocks cannot keep a dead worker alive.
 */
export class RedisWorkerRegistry implements WorkerRegistry {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.key = leaseKeys(keys).workers;
    for (const file of ['heartbeatWorker-1.lua', 'listWorkers-1.lua']) defineLuaScript(redis, file);
  }

  async heartbeat(workerId: string, ttlMs: number): Promise<void> {
    await runLuaScript<number>(this.redis, 'heartbeatWorker', [this.key], [workerId, ttlMs]);
  }

  async remove(workerId: string): Promise<void> {
    await this.redis.zrem(this.key, workerId);
  }

  liveWorkers(): Promise<string[]> {
    return runLuaScript<string[]>(this.redis, 'listWorkers', [this.key], []);
  }
}
