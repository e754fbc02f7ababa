import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import {
  awaitBatchOutcome,
  createLogger,
  createSluiceMetrics,
  enqueueStreamBatch,
  loadConfig,
  type RedisFunctionStore,
  type SluiceMetrics,
  type StreamBatchJob,
  type StreamBatchQueue,
} from '@sluice/shared';
import { BullmqDispatcher } from '@sluice/poller';
import { startWorkerRole, type RunningWorker } from '@sluice/worker';
import '../../helpers/test-stack.js';
import { startHttpFunction, unusedPort, type HttpFunction } from '../../helpers/http-function.js';
import { buildFunction, buildStreamBatchJob } from '../../helpers/stream-batch-fixture.js';
import { openStreamBatchQueue, type StreamBatchQueueFixture } from '../../helpers/stream-batch-queue.js';
import { waitFor } from '../../helpers/wait-for.js';

/** The default batch's last record: every outcome names the end of the batch it ran. */
const LAST = buildStreamBatchJob().lastSequenceNumber;

// The worker role against real Redis (BullMQ) and a local HTTP function; retries use a short backoff.
describe('worker role', () => {
  const { redisUrl } = inject('stack');
  let batches: StreamBatchQueueFixture;
  let queue: StreamBatchQueue;
  let events: QueueEvents;
  let functions: RedisFunctionStore;
  let metrics: SluiceMetrics;
  let worker: RunningWorker | undefined;
  const servers: HttpFunction[] = [];

  beforeEach(async () => {
    batches = await openStreamBatchQueue(redisUrl, 'worker');
    ({ queue, events, functions } = batches);
    metrics = createSluiceMetrics();
    const config = loadConfig({ REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: batches.prefix, SLUICE_RETRY_BASE_MS: '20', SLUICE_RETRY_MAX_MS: '100' });
    worker = await startWorkerRole(config, { logger: createLogger({ level: 'silent' }), metrics });
  });

  afterEach(async () => {
    await worker?.stop();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await batches.close();
  });

  async function httpFunction(name: string, answer: (callNumber: number) => number, timeout = 3): Promise<HttpFunction> {
    const fn = await startHttpFunction((_call, res) => {
      const status = answer(fn.calls.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? 'null' : `{"errorMessage":"call ${fn.calls.length} failed"}`);
    });
    servers.push(fn);
    await functions.create(buildFunction(name, { type: 'http', url: fn.url }, timeout));
    return fn;
  }

  async function run(job: StreamBatchJob) {
    return awaitBatchOutcome(await enqueueStreamBatch(queue, job), events);
  }

  it('invokes the function with the batch and returns succeeded', async () => {
    const fn = await httpFunction('orders', () => 200);
    const job = buildStreamBatchJob({ functionName: 'orders' });

    const outcome = await run(job);

    expect(outcome).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: LAST });
    expect(JSON.parse(fn.calls[0]!.body)).toEqual({ Records: job.records });
  });

  it('retries a function that fails twice, then succeeds', async () => {
    const fn = await httpFunction('flaky', (n) => (n <= 2 ? 500 : 200));

    const outcome = await run(buildStreamBatchJob({ functionName: 'flaky' }));

    expect(outcome).toEqual({ status: 'succeeded', invocations: 3, lastSequenceNumber: LAST });
    expect(fn.calls).toHaveLength(3);
    const retries = (await metrics.retries.get()).values;
    expect(retries).toEqual([expect.objectContaining({ labels: expect.objectContaining({ reason: 'function_error' }), value: 2 })]);
  });

  it('with MaximumRetryAttempts 2 discards with RetryAttemptsExhausted after exactly 3 invocations', async () => {
    const fn = await httpFunction('broken', () => 500);

    const outcome = await run(buildStreamBatchJob({ functionName: 'broken', maximumRetryAttempts: 2 }));

    expect(outcome).toEqual({ status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 3, lastError: '{"errorMessage":"call 3 failed"}', lastSequenceNumber: LAST });
    expect(fn.calls).toHaveLength(3);
  });

  it('discards records older than MaximumRecordAgeInSeconds without invoking', async () => {
    const fn = await httpFunction('orders', () => 200);

    const outcome = await run(buildStreamBatchJob({ functionName: 'orders', maximumRecordAgeInSeconds: 60, firstArrivalMs: Date.now() - 61_000 }));

    expect(outcome).toEqual({ status: 'discarded', condition: 'RecordAgeExceeded', invocations: 0, lastSequenceNumber: LAST });
    expect(fn.calls).toHaveLength(0);
  });

  it('retries an unreachable function without spending MaximumRetryAttempts', async () => {
    // Arrange: registered at a port nothing listens on, with no retries allowed for function errors.
    await functions.create(buildFunction('away', { type: 'http', url: `http://127.0.0.1:${await unusedPort()}/fn` }));
    const handle = await enqueueStreamBatch(queue, buildStreamBatchJob({ functionName: 'away', maximumRetryAttempts: 0 }));
    const outcome = awaitBatchOutcome(handle, events);
    // Act: several transport failures, then the function becomes reachable.
    await waitFor(async () => (await metrics.invocations.get()).values.find((v) => v.labels.outcome === 'transport_error' && v.value >= 3), {
      message: 'three transport failures',
    });
    const fn = await startHttpFunction((_call, res) => res.end('null'));
    servers.push(fn);
    await functions.update(buildFunction('away', { type: 'http', url: fn.url }));
    // Assert: it still got its one invocation, and no function error was counted.
    expect(await outcome).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: LAST });
    expect(fn.calls).toHaveLength(1);
    const retries = (await metrics.retries.get()).values;
    expect(retries.map((v) => v.labels.reason)).toEqual(['transport_error']);
  });

  it('answers a re-added job id from the finished job, without invoking again', async () => {
    const fn = await httpFunction('orders', () => 200);
    const job = buildStreamBatchJob({ functionName: 'orders' });
    const first = await run(job);

    // A poller taking over the shard reads the same batch and offers it again.
    const again = await run({ ...job, enqueuedAt: Date.now() });

    expect(again).toEqual(first);
    expect(fn.calls).toHaveLength(1);
  });

  it('hands the re-adding poller the stored batch, not the one it offered', async () => {
    const fn = await httpFunction('slow', () => 200);
    const job = buildStreamBatchJob({ functionName: 'slow' });
    await run(job);

    const handle = await enqueueStreamBatch(queue, { ...job, lastSequenceNumber: job.firstSequenceNumber, records: job.records.slice(0, 1) });

    expect(handle.data.lastSequenceNumber).toBe(job.lastSequenceNumber);
    expect(fn.calls).toHaveLength(1);
  });

  it("gives the poller's BullmqDispatcher the stored batch's end from the outcome when it re-offers a shorter batch", async () => {
    // Arrange: a previous owner's job of the whole batch ran; the new owner offers only its first record.
    const fn = await httpFunction('orders', () => 200);
    const job = buildStreamBatchJob({ functionName: 'orders' });
    await run(job);
    const dispatcher = new BullmqDispatcher(queue, events);

    // Act
    const result = await dispatcher.dispatch({ ...job, lastSequenceNumber: job.firstSequenceNumber, records: job.records.slice(0, 1) }, new AbortController().signal);

    // Assert: checkpointing past the stored batch's end, not the offered one's; no second invocation.
    expect(result).toEqual({ outcome: { status: 'succeeded', invocations: 1, lastSequenceNumber: job.lastSequenceNumber }, lastSequenceNumber: job.lastSequenceNumber });
    expect(job.lastSequenceNumber).not.toBe(job.firstSequenceNumber);
    expect(fn.calls).toHaveLength(1);
  });

  it('rejects the wait when the signal aborts, and the batch still finishes', async () => {
    let release: (() => void) | undefined;
    const fn = await startHttpFunction((_call, res) => void (release = () => res.end('null')));
    servers.push(fn);
    await functions.create(buildFunction('held', { type: 'http', url: fn.url }));
    const handle = await enqueueStreamBatch(queue, buildStreamBatchJob({ functionName: 'held' }));
    const controller = new AbortController();
    const waiting = awaitBatchOutcome(handle, events, controller.signal);
    await waitFor(() => fn.calls.length === 1);

    controller.abort(new Error('lease lost'));

    await expect(waiting).rejects.toThrow('lease lost');
    release!();
    expect(await awaitBatchOutcome(handle, events)).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: LAST });
  });
});
