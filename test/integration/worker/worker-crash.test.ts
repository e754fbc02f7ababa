import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import {
  awaitBatchOutcome,
  createLogger,
  createSluiceMetrics,
  enqueueStreamBatch,
  loadConfig,
  type RedisFunctionStore,
  type StreamBatchQueue,
} from '@sluice/shared';
import { startWorkerRole, type RunningWorker } from '@sluice/worker';
import '../../helpers/test-stack.js';
import { startHttpFunction, type HttpFunction } from '../../helpers/http-function.js';
import { buildFunction, buildStreamBatchJob } from '../../helpers/stream-batch-fixture.js';
import { openStreamBatchQueue, type StreamBatchQueueFixture } from '../../helpers/stream-batch-queue.js';
import { waitFor } from '../../helpers/wait-for.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-process.js';

// A worker that dies mid-invocation stops renewing its BullMQ lock; another worker's stalled check
// takes the job over. The lock is shortened to 1 s here (SLUICE_WORKER_LOCK_MS) to keep this quick.
describe('worker crash and shutdown', () => {
  const { redisUrl } = inject('stack');
  const LOCK_MS = 1000;
  let batches: StreamBatchQueueFixture;
  let prefix: string;
  let queue: StreamBatchQueue;
  let events: QueueEvents;
  let functions: RedisFunctionStore;
  let fn: HttpFunction | undefined;
  let child: WorkerProcess | undefined;
  let worker: RunningWorker | undefined;

  beforeEach(async () => {
    batches = await openStreamBatchQueue(redisUrl, 'wcrash');
    ({ prefix, queue, events, functions } = batches);
  });

  afterEach(async () => {
    await child?.kill('SIGKILL');
    await worker?.stop();
    await fn?.close();
    child = worker = fn = undefined;
    await batches.close();
  });

  const env = () => ({ REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_WORKER_LOCK_MS: String(LOCK_MS), SLUICE_RETRY_BASE_MS: '20' });

  it('hands a batch whose worker was SIGKILLed mid-invocation to another worker, which completes it', async () => {
    // Arrange: the function holds its first request (the worker dies while waiting) and answers later ones.
    fn = await startHttpFunction((call, res) => {
      if (fn!.calls.indexOf(call) > 0) res.end('null');
    });
    await functions.create(buildFunction('slow', { type: 'http', url: fn.url }, 60));
    child = await startWorkerProcess(env());
    const handle = await enqueueStreamBatch(queue, buildStreamBatchJob({ functionName: 'slow', maximumRetryAttempts: 0 }));
    const outcome = awaitBatchOutcome(handle, events);
    await waitFor(() => fn!.calls.length === 1, { message: () => `the child worker never invoked the function:\n${child!.output()}` });

    // Act: kill the worker mid-invocation, then start another one.
    await child.kill('SIGKILL');
    const killedAt = Date.now();
    worker = await startWorkerRole(loadConfig(env()), { logger: createLogger({ level: 'silent' }), metrics: createSluiceMetrics() });

    // Assert: the batch completes once the lock lapsed, invoked again (at least once delivery), and
    // a dead worker is ours, so it did not spend the function's retry budget.
    expect(await outcome).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: buildStreamBatchJob().lastSequenceNumber });
    expect(fn.calls).toHaveLength(2);
    expect(Date.now() - killedAt).toBeLessThan(10 * LOCK_MS);
  });

  it('lets a running batch finish on a graceful stop, and takes no new one', async () => {
    let release: (() => void) | undefined;
    fn = await startHttpFunction((_call, res) => void (release = () => res.end('null')));
    await functions.create(buildFunction('held', { type: 'http', url: fn.url }));
    worker = await startWorkerRole(loadConfig(env()), { logger: createLogger({ level: 'silent' }), metrics: createSluiceMetrics() });
    const first = await enqueueStreamBatch(queue, buildStreamBatchJob({ functionName: 'held' }));
    await waitFor(() => fn!.calls.length === 1);

    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await enqueueStreamBatch(queue, buildStreamBatchJob({ functionName: 'held', firstSequenceNumber: '2', lastSequenceNumber: '3' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false);
    release!();
    await stopping;

    expect(await awaitBatchOutcome(first, events)).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: buildStreamBatchJob().lastSequenceNumber });
    expect(fn.calls).toHaveLength(1);
  });
});
