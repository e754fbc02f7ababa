import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  RedisDeadLetterStore,
  awaitBatchOutcome,
  createDeadLetterReplayQueue,
  createLogger,
  createRedisKeys,
  createSluiceMetrics,
  enqueueDeadLetterReplay,
  enqueueStreamBatch,
  loadConfig,
  type DeadLetterReplayQueue,
  type DeadLetterStore,
  type SluiceMetrics,
  type StreamBatchJob,
  type StreamBatchQueue,
} from '@sluice/shared';
import { startWorkerRole, type RunningWorker } from '@sluice/worker';
import '../../helpers/test-stack.js';
import { startHttpFunction, type HttpFunction } from '../../helpers/http-function.js';
import { buildFunction, buildKinesisBatchJob, kinesisSequenceNumber } from '../../helpers/stream-batch-fixture.js';
import { openStreamBatchQueue, type StreamBatchQueueFixture } from '../../helpers/stream-batch-queue.js';
import { waitFor } from '../../helpers/wait-for.js';

const seq = kinesisSequenceNumber;
const ARRIVAL = Date.now() - 5000;
const kinesisBatch = (n: number, overrides: Partial<StreamBatchJob> = {}) => buildKinesisBatchJob(n, overrides, ARRIVAL);

// A discarded batch of a mapping without DestinationConfig.OnFailure is parked in the dead-letter
// store by the worker role (BullMQ on real Redis), and replayed from it through the replay queue.
describe('dead-letter parking and replay', () => {
  const { redisUrl } = inject('stack');
  let batches: StreamBatchQueueFixture;
  let prefix: string;
  let storeRedis: Redis;
  let queue: StreamBatchQueue;
  let replays: DeadLetterReplayQueue;
  let events: QueueEvents;
  let store: RedisDeadLetterStore;
  let metrics: SluiceMetrics;
  let worker: RunningWorker | undefined;
  let fn: HttpFunction;
  let failing = true;

  beforeAll(async () => {
    fn = await startHttpFunction((_call, res) => {
      if (failing) res.writeHead(500, { 'content-type': 'application/json' }).end('{"errorMessage":"boom"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('null');
    });
  });
  afterAll(() => fn.close());

  async function start(deadLetters?: DeadLetterStore) {
    const config = loadConfig({ REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_RETRY_BASE_MS: '20', SLUICE_RETRY_MAX_MS: '100' });
    worker = await startWorkerRole(config, { logger: createLogger({ level: 'silent' }), metrics, ...(deadLetters ? { deadLetters } : {}) });
  }

  beforeEach(async () => {
    batches = await openStreamBatchQueue(redisUrl, 'parking');
    ({ prefix, queue, events, storeRedis } = batches);
    replays = createDeadLetterReplayQueue(batches.redis, batches.keys);
    await batches.functions.create(buildFunction('orders', { type: 'http', url: fn.url }));
    store = new RedisDeadLetterStore(storeRedis, batches.keys);
    metrics = createSluiceMetrics();
    fn.calls.length = 0;
    failing = true;
  });

  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await replays.close();
    await batches.close();
  });

  const run = async (job: StreamBatchJob) => awaitBatchOutcome(await enqueueStreamBatch(queue, job), events);
  const parked = async () => (await metrics.deadLetters.get()).values.map((v) => ({ ...v.labels, value: v.value }));

  it('parks the failure record and the records of a batch discarded without a destination', async () => {
    await start();
    const job = kinesisBatch(3, { maximumRetryAttempts: 0 });

    const outcome = await run(job);

    expect(outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted' });
    const page = await store.list({ limit: 10 });
    expect(page.deadLetters).toHaveLength(1);
    const entry = await store.get(page.deadLetters[0]!.id);
    expect(entry).toEqual({
      id: page.deadLetters[0]!.id,
      kind: 'stream-batch',
      mappingId: job.mappingId,
      functionName: 'orders',
      createdAt: Date.parse(entry!.failureRecord.timestamp),
      failureRecord: {
        requestContext: { requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), functionArn: job.functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: expect.stringMatching(/Z$/),
        KinesisBatchInfo: {
          shardId: job.shardId,
          startSequenceNumber: seq(0),
          endSequenceNumber: seq(2),
          approximateArrivalOfFirstRecord: new Date(ARRIVAL).toISOString(),
          approximateArrivalOfLastRecord: new Date(ARRIVAL + 2).toISOString(),
          batchSize: 3,
          streamArn: job.eventSourceArn,
        },
      },
      payload: { Records: job.records },
      replays: 0,
    });
    expect(await parked()).toEqual([{ mapping: job.mappingId, outcome: 'parked', value: 1 }]);
  });

  it('holds the batch outcome until a failing store takes the entry', async () => {
    const keys = createRedisKeys(prefix);
    const real = new RedisDeadLetterStore(storeRedis, keys);
    let refusals = 2;
    const flaky: DeadLetterStore = Object.assign(Object.create(real) as DeadLetterStore, {
      park: async (entry: Parameters<DeadLetterStore['park']>[0]) => {
        if (refusals-- > 0) throw new Error('READONLY You can\'t write against a read only replica.');
        return real.park(entry);
      },
    });
    await start(flaky);

    const outcome = await run(kinesisBatch(2, { maximumRetryAttempts: 0 }));

    expect(outcome).toMatchObject({ status: 'discarded' });
    expect(fn.calls).toHaveLength(1);
    expect((await store.list({ limit: 10 })).deadLetters).toHaveLength(1);
    expect(await parked()).toEqual(
      expect.arrayContaining([
        { mapping: expect.any(String), outcome: 'park_failed', value: 2 },
        { mapping: expect.any(String), outcome: 'parked', value: 1 },
      ]),
    );
  });

  it('replays through the queue: a failed replay is counted, a successful one removes the entry', async () => {
    await start();
    const job = kinesisBatch(2, { maximumRetryAttempts: 0 });
    await run(job);
    const [summary] = (await store.list({ limit: 1 })).deadLetters;

    await enqueueDeadLetterReplay(replays, summary!.id);
    const failed = await waitFor(async () => {
      const e = await store.get(summary!.id);
      return e?.replays === 1 ? e : undefined;
    }, { message: 'the failed replay was never counted' });
    expect(failed.lastReplay).toEqual({ at: expect.any(Number), error: '{"errorMessage":"boom"}' });

    failing = false;
    await enqueueDeadLetterReplay(replays, summary!.id);
    await waitFor(async () => (await store.get(summary!.id)) === undefined, { message: 'the replayed entry was never removed' });
    expect(fn.calls).toHaveLength(3);
    expect(JSON.parse(fn.calls[2]!.body)).toEqual({ Records: job.records });
    expect(await store.list({ limit: 10 })).toEqual({ deadLetters: [] });
  });
});
