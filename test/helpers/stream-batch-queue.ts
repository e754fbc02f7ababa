import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  RedisFunctionStore,
  createRedis,
  createRedisKeys,
  createStreamBatchQueue,
  createStreamBatchQueueEvents,
  type RedisKeys,
  type StreamBatchQueue,
} from '@sluice/shared';
import { deleteRedisPrefix } from './delete-redis-prefix.js';
import { uniqueName } from './unique-name.js';

/** The stream-batch queue of a fresh Sluice installation (its own key prefix) on the shared Redis, for worker tests. */
export interface StreamBatchQueueFixture {
  /** uniqueName(label): SLUICE_REDIS_PREFIX of the worker under test. */
  readonly prefix: string;
  readonly keys: RedisKeys;
  /** BullMQ's connection: the queue and its events (a test may open other queues on it). */
  readonly redis: Redis;
  /** A connection of its own for the stores: scripts defined on one BullMQ already uses can get lost (redis/ioredis#1931). */
  readonly storeRedis: Redis;
  readonly queue: StreamBatchQueue;
  /** Ready: the outcome of any job enqueued from now on can be awaited (awaitBatchOutcome). */
  readonly events: QueueEvents;
  readonly functions: RedisFunctionStore;
  /** Closes the events, the queue and both connections, then deletes every key under the prefix. */
  close(): Promise<void>;
}

export async function openStreamBatchQueue(redisUrl: string, label: string): Promise<StreamBatchQueueFixture> {
  const prefix = uniqueName(label);
  const redis = createRedis(redisUrl, { forBullmq: true });
  const keys = createRedisKeys(prefix);
  const queue = createStreamBatchQueue(redis, keys);
  const events = createStreamBatchQueueEvents(redis, keys);
  await events.waitUntilReady();
  const storeRedis = createRedis(redisUrl);
  return {
    prefix,
    keys,
    redis,
    storeRedis,
    queue,
    events,
    functions: new RedisFunctionStore(storeRedis, keys),
    close: async () => {
      await events.close();
      await queue.close();
      await redis.quit();
      await storeRedis.quit();
      await deleteRedisPrefix(redisUrl, prefix);
    },
  };
}
