import { Job, Queue, QueueEvents, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { STREAM_BATCH_QUEUE, packStreamBatchJob, streamBatchJobId, type BatchOutcome, type StreamBatchJob } from './stream-batch-job.js';

/** The name of the custom backoff strategy; the worker maps it to backoffDelay() with its config. */
export const STREAM_BATCH_BACKOFF = 'sluice';

/**
 * Default options of every stream batch job.
 *
 * - attempts: effectively unlimited. BullMQ's attempt counter also counts transport faults, which
 *   must not spend MaximumRetryAttempts; the processor counts function errors itself and returns a
 *   final `discarded` outcome when the mapping's limit is reached
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-errors).
 * - removeOnComplete one hour: a poller that takes over a shard re-adds the same deterministic job
 *   id, and must find the finished job and its outcome instead of invoking again.
 * - removeOnFail one day: a failed job means a bug or a malformed payload; keep it to look at.
 * - stackTraceLimit: a batch may retry for days; keep the job hash from growing with each attempt.
 */
export const STREAM_BATCH_JOB_OPTIONS = {
  attempts: 1_000_000_000,
  backoff: { type: STREAM_BATCH_BACKOFF },
  removeOnComplete: { age: 3600 },
  removeOnFail: { age: 86_400 },
  stackTraceLimit: 3,
} as const satisfies DefaultJobOptions;

export type StreamBatchQueue = Queue<StreamBatchJob, BatchOutcome>;
export type StreamBatchJobHandle = Job<StreamBatchJob, BatchOutcome>;

/**
 * The stream batch queue under the installation's key prefix (`{sluice:stream-batches}:stream-batches:*`):
 * every key of the queue in one Redis Cluster slot of its own, apart from the other queues (redis-keys.ts).
 * The connection stays the caller's: closing the queue leaves it open.
 */
export function createStreamBatchQueue(connection: Redis, keys: RedisKeys): StreamBatchQueue {
  const queue: StreamBatchQueue = new Queue<StreamBatchJob, BatchOutcome>(STREAM_BATCH_QUEUE, {
    connection,
    prefix: keys.queuePrefix(STREAM_BATCH_QUEUE),
    defaultJobOptions: STREAM_BATCH_JOB_OPTIONS,
  });
  // Every awaited job adds a 'closing' listener to its queue (Job.waitUntilFinished): one per lane.
  queue.setMaxListeners(0);
  return queue;
}

/**
 * The queue's event stream, which awaitBatchOutcome() listens to. BullMQ gives it a duplicate of
 * the connection for its blocking reads, so one QueueEvents serves every lane of a process.
 */
export function createStreamBatchQueueEvents(connection: Redis, keys: RedisKeys): QueueEvents {
  const events = new QueueEvents(STREAM_BATCH_QUEUE, { connection, prefix: keys.queuePrefix(STREAM_BATCH_QUEUE) });
  events.setMaxListeners(0);
  return events;
}

/**
 * Adds a batch under its deterministic id, its records packed (packStreamBatchJob); when a job with
 * that id exists, BullMQ keeps it and adds nothing. The returned handle's `data` is what was offered.
 */
export function addStreamBatch(queue: StreamBatchQueue, job: StreamBatchJob, jobId = streamBatchJobId(job)): Promise<StreamBatchJobHandle> {
  return queue.add(STREAM_BATCH_QUEUE, packStreamBatchJob(job), { jobId });
}

/**
 * Adds a batch under its deterministic id. When a job with that id exists (queued, running, or
 * finished within the last hour) BullMQ keeps it and adds nothing; awaiting it yields its outcome.
 * The returned Job is read back from Redis, so its `data` is the batch actually being processed
 * (after a takeover it may end at another sequence number than the one offered, and it carries the
 * function errors spent so far), not the one passed in; stored packed (unpackStreamBatchJob gives
 * Lambda's records back).
 */
export async function enqueueStreamBatch(queue: StreamBatchQueue, job: StreamBatchJob): Promise<StreamBatchJobHandle> {
  const jobId = streamBatchJobId(job);
  const added = await addStreamBatch(queue, job, jobId);
  // Only gone if it finished and aged out in between; the added handle still awaits by id.
  return (await Job.fromId<StreamBatchJob, BatchOutcome>(queue, jobId)) ?? added;
}

/**
 * Resolves with the batch's final outcome (stream or queue batch): the job's return value, also
 * when it finished before we started waiting. Rejects when the job failed (a malformed payload: a bug, not a function error),
 * when it no longer exists, or when `signal` aborts (the lease was lost, the process is stopping).
 * Retries in between are not outcomes: the lane stays blocked until this resolves.
 */
export async function awaitBatchOutcome<Outcome = BatchOutcome>(job: Job<unknown, Outcome>, queueEvents: QueueEvents, signal?: AbortSignal): Promise<Outcome> {
  signal?.throwIfAborted();
  const finished = job.waitUntilFinished(queueEvents);
  if (signal === undefined) return finished;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([finished, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
    // waitUntilFinished keeps its listeners until the job finishes; it settles unobserved then.
    finished.catch(() => undefined);
  }
}
