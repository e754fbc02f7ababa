import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { ASYNC_INVOCATION_QUEUE, asyncInvocationJobSchema, type AsyncInvocationJob, type AsyncInvocationJobInput } from './async-invocation-job.js';

export type AsyncInvocationQueue = Queue<AsyncInvocationJob, unknown>;

/** The async invocation queue under the installation's key prefix. The connection stays the caller's. */
export function createAsyncInvocationQueue(connection: Redis, keys: RedisKeys): AsyncInvocationQueue {
  return new Queue<AsyncInvocationJob, unknown>(ASYNC_INVOCATION_QUEUE, { connection, prefix: keys.queuePrefix(ASYNC_INVOCATION_QUEUE) });
}

/**
 * Queues one asynchronous invocation under its requestId. The worker owns everything after this
 * (retries, event age, destinations); the caller answers 202 once this resolves.
 */
export async function enqueueAsyncInvocation(queue: AsyncInvocationQueue, input: AsyncInvocationJobInput): Promise<void> {
  const job = asyncInvocationJobSchema.parse(input);
  await queue.add(ASYNC_INVOCATION_QUEUE, job, { jobId: job.requestId });
}
