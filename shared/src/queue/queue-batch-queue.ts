import { Queue, QueueEvents, type DefaultJobOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { QUEUE_BATCH_QUEUE, type QueueBatchJob, type QueueBatchOutcome } from './queue-batch-job.js';
import { STREAM_BATCH_BACKOFF } from './stream-batch-queue.js';

/**
 * Default options of every queue batch job.
 * - attempts: effectively unlimited: the processor counts our own faults itself (job.data.faults)
 *   and answers `failed` past its bound, so BullMQ's counter (which a stalled job also bumps) never
 *   decides; the messages then come back through their queue.
 * - removeOnComplete ten minutes: the poller that added a job awaits it at once; a finished job
 *   is only kept so that a wait begun just after it finished still finds its outcome.
 */
export const QUEUE_BATCH_JOB_OPTIONS = {
  attempts: 1_000_000_000,
  backoff: { type: STREAM_BATCH_BACKOFF },
  removeOnComplete: { age: 600 },
  removeOnFail: { age: 86_400 },
  stackTraceLimit: 3,
} as const satisfies DefaultJobOptions;

export type QueueBatchQueue = Queue<QueueBatchJob, QueueBatchOutcome>;
export type QueueBatchJobHandle = Job<QueueBatchJob, QueueBatchOutcome>;

/** The queue batch queue under the installation's key prefix; the connection stays the caller's. */
export function createQueueBatchQueue(connection: Redis, keys: RedisKeys): QueueBatchQueue {
  const queue: QueueBatchQueue = new Queue<QueueBatchJob, QueueBatchOutcome>(QUEUE_BATCH_QUEUE, {
    connection,
    prefix: keys.queuePrefix(QUEUE_BATCH_QUEUE),
    defaultJobOptions: QUEUE_BATCH_JOB_OPTIONS,
  });
  queue.setMaxListeners(0);
  return queue;
}

/** The queue's event stream, which the pollers' waits for outcomes listen to (one per process). */
export function createQueueBatchQueueEvents(connection: Redis, keys: RedisKeys): QueueEvents {
  const events = new QueueEvents(QUEUE_BATCH_QUEUE, { connection, prefix: keys.queuePrefix(QUEUE_BATCH_QUEUE) });
  events.setMaxListeners(0);
  return events;
}
