import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  ASYNC_INVOCATION_QUEUE,
  FunctionDestination,
  createAsyncInvocationQueue,
  enqueueAsyncInvocation,
  type AsyncInvocationQueue,
  type ConcurrencyLimiter,
  type DeadLetterStore,
  type Destination,
  type EventInvokeConfigStore,
  type FunctionStore,
  type Invoker,
  type Logger,
  type RedisKeys,
  type RedisOutageLog,
  type SluiceConfig,
  type SluiceMetrics,
} from '@sluice/shared';
import { createAsyncInvocationProcessor, type AsyncInvocationOutcome, type AsyncInvocationProcessorDeps } from './async-invocation-processor.js';
import type { AsyncJobData } from './async-job-data.js';
import { jobLockOptions } from './job-lock-options.js';


/**
 * Finished events stay as BullMQ jobs for a day, so an event queued again under the same request id
 * (an SNS re-delivery of an S3 notification) finds its job and runs once; then they go. The count
 * bounds Redis memory at high rates (at 5,000 events/s the window shrinks to 20 s).
 */
const KEEP_FINISHED = { age: 24 * 60 * 60, count: 100_000 } as const;

export interface AsyncInvocationWorkerDeps {
  readonly connection: Redis;
  readonly keys: RedisKeys;
  readonly logger: Logger;
  /** Logs the Redis outages behind most of the worker's 'error' events, once each. */
  readonly outages: RedisOutageLog;
  readonly metrics: SluiceMetrics;
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly eventInvokeConfigs: Pick<EventInvokeConfigStore, 'get'>;
  readonly invoker: Invoker;
  readonly destinations: AsyncInvocationProcessorDeps['destinations'];
  readonly deadLetters: Pick<DeadLetterStore, 'park'>;
  readonly concurrency?: ConcurrencyLimiter;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface RunningAsyncInvocationWorker {
  readonly worker: Worker<AsyncJobData, AsyncInvocationOutcome>;
  close(): Promise<void>;
}

/**
 * The function destination of asynchronous invocations: one more async invocation on the same
 * queue. Its queue is the caller's to close.
 */
export function createFunctionDestination(queue: AsyncInvocationQueue, functions: Pick<FunctionStore, 'get'>, now?: () => number): Destination {
  return new FunctionDestination({
    enqueue: (input) => enqueueAsyncInvocation(queue, input),
    exists: async (name) => (await functions.get(name)) !== undefined,
    ...(now ? { now } : {}),
  });
}

/** Opens the async invocation queue for enqueueing (function destinations) on the installation's prefix. */
export function openAsyncInvocationQueue(connection: Redis, keys: RedisKeys): AsyncInvocationQueue {
  return createAsyncInvocationQueue(connection, keys);
}

/**
 * A BullMQ Worker on ASYNC_INVOCATION_QUEUE with Lambda's asynchronous semantics
 * (async-invocation-processor.ts). Events mostly wait on their functions, so it runs as many at
 * once as the stream worker does (SLUICE_WORKER_CONCURRENCY).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html
 */
export async function startAsyncInvocationWorker(config: SluiceConfig, deps: AsyncInvocationWorkerDeps): Promise<RunningAsyncInvocationWorker> {
  const processor = createAsyncInvocationProcessor({
    functions: deps.functions,
    eventInvokeConfigs: deps.eventInvokeConfigs,
    invoker: deps.invoker,
    logger: deps.logger.child({ queue: ASYNC_INVOCATION_QUEUE }),
    metrics: deps.metrics,
    ...(deps.destinations ? { destinations: deps.destinations } : {}),
    deadLetters: deps.deadLetters,
    ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
    settings: {
      functionErrorDelaysMs: config.SLUICE_ASYNC_RETRY_DELAYS_MS,
      backoff: { baseMs: config.SLUICE_ASYNC_BACKOFF_BASE_MS, maxMs: config.SLUICE_ASYNC_BACKOFF_MAX_MS },
    },
    deliveryBackoff: { baseMs: config.SLUICE_ASYNC_BACKOFF_BASE_MS, maxMs: config.SLUICE_ASYNC_BACKOFF_MAX_MS },
    region: config.AWS_REGION,
    accountId: config.SLUICE_ACCOUNT_ID,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const worker = new Worker<AsyncJobData, AsyncInvocationOutcome>(ASYNC_INVOCATION_QUEUE, processor, {
    connection: deps.connection,
    prefix: deps.keys.queuePrefix(ASYNC_INVOCATION_QUEUE),
    concurrency: config.SLUICE_WORKER_CONCURRENCY,
    ...jobLockOptions(config.SLUICE_WORKER_LOCK_MS),
    removeOnComplete: KEEP_FINISHED,
    removeOnFail: KEEP_FINISHED,
  });
  worker.on('error', deps.outages.errorListener(deps.logger, 'async invocation worker error'));
  // Only a malformed job fails (requeues are DelayedError, which BullMQ does not count as failures).
  worker.on('failed', (job, error) => deps.logger.error({ err: error, jobId: job?.id }, 'async invocation job failed'));
  await worker.waitUntilReady();
  return { worker, close: () => worker.close() };
}
