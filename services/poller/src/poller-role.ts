import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  RedisMappingStore,
  RedisOutageLog,
  RedisWindowStateStore,
  createRedis,
  createRedisKeys,
  createStreamBatchQueue,
  createStreamBatchQueueEvents,
  createQueueBatchQueue,
  createQueueBatchQueueEvents,
  RedisConcurrencyLimiter,
  RegistryEpoch,
  parseSourceArn,
  type AwsClients,
  type QueueMapping,
  type QueueSourceArn,
  type StreamSourceArn,
  type StreamMapping,
  type LocalBatchOutcomes,
  type Logger,
  type SluiceConfig,
  type SluiceMetrics,
} from '@sluice/shared';
import { BullmqDispatcher } from './dispatch/bullmq-dispatcher.js';
import { LeaseCoordinator } from './leases/lease-coordinator.js';
import { RedisLeaseClock } from './leases/redis-lease-clock.js';
import { RedisLeaseStore } from './leases/redis-lease-store.js';
import { RedisWorkerRegistry } from './leases/redis-worker-registry.js';
import { Scheduler } from './scheduler/scheduler.js';
import { ProcessingResultReporter } from './scheduler/processing-result-reporter.js';
import { createStreamSource } from './sources/create-stream-source.js';
import { BullmqQueueBatchDispatcher } from './queue/queue-batch-dispatcher.js';
import { createQueueSource } from './sources/create-queue-source.js';
import { createSourceRunners } from './scheduler/source-runners.js';

/** How often a queue's visibility timeout and backlog are read again (one GetQueueAttributes). */
const QUEUE_ATTRIBUTES_INTERVAL_MS = 60_000;

export interface RunningPoller {
  readonly workerId: string;
  /** Graceful: pollers stop, leases go back at once (checkpoints stay), then connections close. */
  stop(): Promise<void>;
}

/** Starts the poller role: lease coordination, the scheduler and its shard pollers and queue receive loops. */
export async function startPollerRole(
  config: SluiceConfig,
  aws: AwsClients,
  logger: Logger,
  metrics: SluiceMetrics,
  /** What a worker role in this process announces of the batches it finishes (local-batch-outcomes.ts). */
  localOutcomes?: LocalBatchOutcomes,
  /** Logs Redis faults once per outage; one per process (run-roles.ts). */
  outages = new RedisOutageLog(logger),
): Promise<RunningPoller> {
  const log = logger.child({ role: 'poller' });
  const keys = createRedisKeys(config.SLUICE_REDIS_PREFIX);
  const redis = createRedis(config.REDIS_URL, { outages });
  // No auto-pipelining for BullMQ: each lane adds its job, checks it and waits, one command at a
  // time, and auto-pipelining would hold every one of them until setImmediate (as on the worker).
  const bullRedis = createRedis(config.REDIS_URL, { forBullmq: true, autoPipelining: false, outages });
  const workerId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const leases = new RedisLeaseStore(redis, keys);
  const mappings = new RedisMappingStore(redis, keys);
  const coordinator = new LeaseCoordinator({
    store: leases,
    registry: new RedisWorkerRegistry(redis, keys),
    clock: new RedisLeaseClock(redis),
    workerId,
    ttlMs: config.SLUICE_LEASE_TTL_MS,
    logger: log,
  });
  const queue = createStreamBatchQueue(bullRedis, keys);
  queue.on('error', outages.errorListener(log, 'stream batch queue error'));
  const events = createStreamBatchQueueEvents(bullRedis, keys);
  events.on('error', outages.errorListener(log, 'stream batch queue events error'));
  const queueBatches = createQueueBatchQueue(bullRedis, keys);
  queueBatches.on('error', outages.errorListener(log, 'queue batch queue error'));
  const queueBatchEvents = createQueueBatchQueueEvents(bullRedis, keys);
  queueBatchEvents.on('error', outages.errorListener(log, 'queue batch queue events error'));
  await Promise.all([events.waitUntilReady(), queueBatchEvents.waitUntilReady()]);
  const reporter = new ProcessingResultReporter(mappings, log);
  const held = new Map<string, number>();
  const countHeld = (mappingId: string, delta: number) => {
    held.set(mappingId, (held.get(mappingId) ?? 0) + delta);
    metrics.leasesHeld.set({ mapping: mappingId }, held.get(mappingId)!);
  };
  const backoff = { baseMs: Math.min(config.SLUICE_RETRY_BASE_MS, 1000), maxMs: config.SLUICE_RETRY_MAX_MS };
  const runners = createSourceRunners({
    logger: log,
    stream: {
      leases,
      windowStates: new RedisWindowStateStore(redis, keys),
      coordination: {
        take: (scope, eligible) => coordinator.take(scope, eligible),
        hold: (lease, onLost) => {
          countHeld(lease.scope.mappingId, 1);
          coordinator.hold(lease, () => onLost());
        },
        drop: (lease) => {
          countHeld(lease.scope.mappingId, -1);
          coordinator.drop(lease);
        },
        forget: (scope) => coordinator.forget(scope),
        recordRead: (lease, records) => coordinator.recordRead(lease, records),
      },
      sourceFor: (mapping: StreamMapping) => createStreamSource(parseSourceArn(mapping.eventSourceArn) as StreamSourceArn, aws),
      shardSyncIntervalMs: config.SLUICE_SHARD_SYNC_INTERVAL_MS,
      pollerDeps: {
        dispatcher: new BullmqDispatcher(queue, events, localOutcomes),
        metrics,
        pollIntervalMs: config.SLUICE_POLL_INTERVAL_MS,
        readsPerSecond: config.SLUICE_SHARD_READS_PER_SECOND,
        backoff,
      },
    },
    queue: {
      sourceFor: (mapping: QueueMapping) => createQueueSource(parseSourceArn(mapping.eventSourceArn) as QueueSourceArn, aws),
      dispatcher: new BullmqQueueBatchDispatcher(queueBatches, queueBatchEvents, localOutcomes),
      slots: new RedisConcurrencyLimiter(redis, keys, 'esm-concurrency'),
      maxLoops: config.SLUICE_QUEUE_POLLERS_MAX,
      attributesIntervalMs: QUEUE_ATTRIBUTES_INTERVAL_MS,
      metrics,
      backoff,
    },
  });
  // Redis losing its data under us is told apart from mappings being deleted (registry-epoch.ts).
  const registry = new RegistryEpoch(redis, keys);
  await registry.start();
  const scheduler = new Scheduler({
    mappings,
    runners,
    logger: log,
    takeIntervalMs: config.SLUICE_LEASE_TAKE_INTERVAL_MS,
    shardSyncIntervalMs: config.SLUICE_SHARD_SYNC_INTERVAL_MS,
    reportResult: (mappingId, result) => reporter.report(mappingId, result),
    reportProblem: (mappingId, key, problem) => reporter.problem(mappingId, key, problem),
    registry,
    beginRound: () => coordinator.beginRound(),
  });
  await coordinator.start();
  await scheduler.start();
  log.info({ workerId }, 'poller started');

  let stopping: Promise<void> | undefined;
  return {
    workerId,
    stop() {
      stopping ??= (async () => {
        await scheduler.stop();
        await coordinator.stop();
        await Promise.all([events.close(), queueBatchEvents.close()]);
        await Promise.all([queue.close(), queueBatches.close()]);
        await Promise.all([redis.quit().catch(() => undefined), bullRedis.quit().catch(() => undefined)]);
        log.info({ workerId }, 'poller stopped');
      })();
      return stopping;
    },
  };
}
