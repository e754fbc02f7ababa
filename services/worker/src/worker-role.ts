import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  AwsDestinationRouter,
  CachedFunctionStore,
  DEAD_LETTER_REPLAY_QUEUE,
  FunctionChangeListener,
  RedisConcurrencyLimiter,
  RedisDeadLetterStore,
  RedisEventInvokeConfigStore,
  RedisFunctionStore,
  RedisOutageLog,
  RedisWindowStateStore,
  QUEUE_BATCH_QUEUE,
  STREAM_BATCH_QUEUE,
  SluiceError,
  backoffDelay,
  createAwsClients,
  createRedis,
  createRedisKeys,
  functionChangesChannel,
  type BatchOutcome,
  type DeadLetterReplayJob,
  type DeadLetterReplayOutcome,
  type DeadLetterStore,
  type DestinationRouter,
  type EventInvokeConfigStore,
  type FunctionStore,
  type Invoker,
  type LocalBatchOutcomes,
  type RedisTarget,
  type Logger,
  type SluiceConfig,
  type SluiceMetrics,
  type QueueBatchJob,
  type QueueBatchOutcome,
  type StreamBatchJob,
} from '@sluice/shared';
import { createQueueBatchProcessor } from './queue-batch-processor.js';
import { InvokerRegistry, closeInvokers, createInvokers } from '@sluice/invokers';
import { createDeadLetterReplayer } from './dead-letter-replayer.js';
import { createFunctionDestination, openAsyncInvocationQueue, startAsyncInvocationWorker } from './async-invocation-worker.js';
import { createStreamBatchProcessor } from './stream-batch-processor.js';
import { TumblingWindowInvocation } from './tumbling-window-invocation.js';
import { jobLockOptions } from './job-lock-options.js';

/** Replays run one invocation each, on request: a few at once is plenty. */
const REPLAY_CONCURRENCY = 4;


export interface WorkerRoleDeps {
  readonly logger: Logger;
  readonly metrics: SluiceMetrics;
  /** Opens a Redis connection (`forBullmq`: one BullMQ can block on); defaults to createRedis, logging to redisOutages. */
  readonly createRedis?: (target: RedisTarget, options: { forBullmq: boolean; autoPipelining?: boolean }) => Redis;
  /** Logs Redis faults once per outage; one per process (run-roles.ts), else the role's own. */
  readonly redisOutages?: RedisOutageLog;
  /** Where function names resolve; defaults to the registry in Redis. */
  readonly functionStore?: Pick<FunctionStore, 'get'>;
  /** Defaults to the invokers of this build (http, lambda, node). */
  readonly invoker?: Invoker;
  /** Where on-failure records go; defaults to SQS, SNS and S3 clients at the configured endpoints. */
  readonly destinations?: DestinationRouter;
  /** Where batches without an on-failure destination are parked; defaults to the store in Redis. */
  readonly deadLetters?: DeadLetterStore;
  /** Asynchronous invocation settings per function; defaults to the store in Redis. */
  readonly eventInvokeConfigs?: Pick<EventInvokeConfigStore, 'get'>;
  /** Epoch ms, for record age; injectable for tests. */
  readonly now?: () => number;
  /** Backoff jitter source. */
  readonly random?: () => number;
  /** Where this worker announces the batches it finishes, for a poller in the same process. */
  readonly localOutcomes?: LocalBatchOutcomes;
}

export interface RunningWorker {
  /** Stops taking batches, waits for the running ones to finish, closes connections. Idempotent. */
  stop(): Promise<void>;
}

/**
 * The worker role: BullMQ Workers on the stream batch queue, the queue batch queue (SQS), the
 * asynchronous invocation queue (async-invocation-worker.ts) and the dead-letter replay queue,
 * invoking functions. Many lanes
 * run at once (one job each), so concurrency is high and each job mostly waits on its function.
 * A worker that dies mid-batch stops renewing its job lock; BullMQ's stalled check hands the job to
 * another worker after SLUICE_WORKER_LOCK_MS, where it is invoked again (at least once delivery,
 * as Lambda: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html).
 */
export async function startWorkerRole(config: SluiceConfig, deps: WorkerRoleDeps): Promise<RunningWorker> {
  const logger = deps.logger.child({ role: 'worker' });
  const keys = createRedisKeys(config.SLUICE_REDIS_PREFIX);
  const outages = deps.redisOutages ?? new RedisOutageLog(deps.logger);
  const connect = deps.createRedis ?? ((target, options) => createRedis(target, { ...options, outages }));
  // BullMQ only duplicates this one (for its worker and blocking connections). No auto-pipelining:
  // a worker sends its job commands one at a time (take, finish, renew), and holding each until
  // setImmediate added ~0.3 ms to every invocation (p50; more at p99) in bench/invoke-overhead.ts.
  const bullRedis = connect(config.REDIS_URL, { forBullmq: true, autoPipelining: false });
  // The function store has its own connection: ioredis' auto-pipelining loses scripts defined on a
  // connection that already has a pipeline queued (redis/ioredis#1931), which BullMQ's traffic makes likely.
  const needsStore = deps.functionStore === undefined || deps.deadLetters === undefined || deps.eventInvokeConfigs === undefined;
  const storeRedis = needsStore ? connect(config.REDIS_URL, { forBullmq: false }) : undefined;
  // Definitions are cached, dropped on the registry's change notices (shared/src/functions/function-cache.ts): an
  // invocation need not wait on a Redis round trip for its function. An injected store is used as is.
  const cache = deps.functionStore === undefined ? new CachedFunctionStore(new RedisFunctionStore(storeRedis!, keys)) : undefined;
  const changes = cache === undefined ? undefined : new FunctionChangeListener(connect(config.REDIS_URL, { forBullmq: false }), functionChangesChannel(keys), cache, logger);
  await changes?.start();
  const functions = deps.functionStore ?? cache!;
  const deadLetters = deps.deadLetters ?? new RedisDeadLetterStore(storeRedis!, keys);
  const eventInvokeConfigs = deps.eventInvokeConfigs ?? new RedisEventInvokeConfigStore(storeRedis!, keys);
  // Function destinations of asynchronous invocations queue one more asynchronous invocation.
  const asyncQueue = openAsyncInvocationQueue(bullRedis, keys);
  asyncQueue.on('error', outages.errorListener(logger, 'async invocation queue error'));
  const invokers = deps.invoker === undefined ? createInvokers(config) : undefined;
  const invoker = deps.invoker ?? new InvokerRegistry(invokers!);
  const awsClients = deps.destinations === undefined ? createAwsClients(config) : undefined;
  const destinations = deps.destinations ?? new AwsDestinationRouter(awsClients!, createFunctionDestination(asyncQueue, functions, deps.now));
  // Tumbling window state: on its own connection, its script defined before any traffic (ioredis#1931).
  const windowRedis = connect(config.REDIS_URL, { forBullmq: false });
  const windowStates = new RedisWindowStateStore(windowRedis, keys, config.SLUICE_TUMBLING_STATE_MAX_BYTES);
  const processor = createStreamBatchProcessor({
    windows: new TumblingWindowInvocation(windowStates),
    destinations,
    deadLetters,
    functions,
    invoker,
    logger,
    metrics: deps.metrics,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const backoff = { baseMs: config.SLUICE_RETRY_BASE_MS, maxMs: config.SLUICE_RETRY_MAX_MS };
  // Stream and queue batches alike: many at once (one per lane or receive loop), a lock a dead worker
  // lets lapse, and the one 'sluice' backoff strategy (attemptsMade is 1 for the first retry).
  const batchWorkerOptions = {
    connection: bullRedis,
    concurrency: config.SLUICE_WORKER_CONCURRENCY,
    ...jobLockOptions(config.SLUICE_WORKER_LOCK_MS),
    settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, backoff, deps.random) },
  };
  /** Errors, outcomes for a poller in this process (once BullMQ stored the job as completed: final), and failures that are bugs. */
  const watchBatchWorker = (batchWorker: Worker, name: string) => {
    batchWorker.on('error', outages.errorListener(logger, `${name} worker error`));
    if (deps.localOutcomes !== undefined) batchWorker.on('completed', (job, outcome) => deps.localOutcomes!.announce(job.id!, outcome));
    batchWorker.on('failed', (job, error) => {
      // The processors log the retries they decide on; anything else here is a bug or a bad payload.
      if (!(error instanceof SluiceError)) logger.error({ err: error, jobId: job?.id }, `${name} job failed`);
    });
  };
  const worker = new Worker<StreamBatchJob, BatchOutcome>(STREAM_BATCH_QUEUE, processor, { ...batchWorkerOptions, prefix: keys.queuePrefix(STREAM_BATCH_QUEUE) });
  watchBatchWorker(worker, 'batch');
  const replayer = new Worker<DeadLetterReplayJob, DeadLetterReplayOutcome>(
    DEAD_LETTER_REPLAY_QUEUE,
    createDeadLetterReplayer({ deadLetters, functions, invoker, logger, metrics: deps.metrics, ...(deps.now ? { now: deps.now } : {}) }),
    { connection: bullRedis, prefix: keys.queuePrefix(DEAD_LETTER_REPLAY_QUEUE), concurrency: REPLAY_CONCURRENCY, lockDuration: config.SLUICE_WORKER_LOCK_MS },
  );
  replayer.on('error', outages.errorListener(logger, 'dead-letter replay worker error'));
  const queueBatchWorker = new Worker<QueueBatchJob, QueueBatchOutcome>(
    QUEUE_BATCH_QUEUE,
    createQueueBatchProcessor({
      functions,
      invoker,
      logger,
      metrics: deps.metrics,
      // Counted with the Invoke API's calls; only functions with ReservedConcurrentExecutions take slots.
      ...(storeRedis === undefined ? {} : { concurrency: new RedisConcurrencyLimiter(storeRedis, keys) }),
    }),
    { ...batchWorkerOptions, prefix: keys.queuePrefix(QUEUE_BATCH_QUEUE) },
  );
  watchBatchWorker(queueBatchWorker, 'queue batch');
  replayer.on('failed', (job, error) => logger.error({ err: error, jobId: job?.id }, 'dead-letter replay job failed'));
  const asyncWorker = await startAsyncInvocationWorker(config, {
    connection: bullRedis,
    keys,
    logger,
    outages,
    metrics: deps.metrics,
    functions,
    eventInvokeConfigs,
    invoker,
    destinations,
    deadLetters,
    // Counted with the Invoke API's synchronous calls; only functions with ReservedConcurrentExecutions take slots.
    ...(storeRedis === undefined ? {} : { concurrency: new RedisConcurrencyLimiter(storeRedis, keys) }),
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  await Promise.all([worker.waitUntilReady(), replayer.waitUntilReady(), queueBatchWorker.waitUntilReady()]);
  logger.info({ concurrency: config.SLUICE_WORKER_CONCURRENCY }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        await Promise.all([worker.close(), replayer.close(), queueBatchWorker.close(), asyncWorker.close()]);
        await asyncQueue.close();
        // After worker.close(): no invocation is running, so the Node environments can go.
        if (invokers !== undefined) closeInvokers(invokers);
        awsClients?.destroy();
        await Promise.all([bullRedis.quit().catch(() => undefined), storeRedis?.quit().catch(() => undefined), windowRedis.quit().catch(() => undefined), changes?.stop()]);
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}
