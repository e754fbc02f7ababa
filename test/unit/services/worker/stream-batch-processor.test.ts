import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import { ErrorCode, SluiceError, createLogger, createSluiceMetrics, packStreamBatchJob, type FunctionDefinition, type StreamBatchJob } from '@sluice/shared';
import { FakeInvoker } from '@sluice/invokers';
import { createStreamBatchProcessor, type ProcessableJob } from '@sluice/worker';
import { buildFunction, buildStreamBatchJob } from '../../../helpers/stream-batch-fixture.js';

const NOW = 1_700_000_000_000;
const logger = createLogger({ level: 'silent' });

function setup(options: { invoker?: FakeInvoker; functions?: FunctionDefinition[] } = {}) {
  const invoker = options.invoker ?? new FakeInvoker();
  const registered = new Map((options.functions ?? [buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' })]).map((f) => [f.name, f]));
  const metrics = createSluiceMetrics();
  const parked: unknown[] = [];
  const process = createStreamBatchProcessor({
    functions: { get: async (name) => registered.get(name) },
    invoker,
    logger,
    metrics,
    deadLetters: { park: async (entry) => void parked.push(entry) },
    now: () => NOW,
    newRequestId: () => 'req-1',
  });
  return { invoker, metrics, process, parked };
}

/** A stand-in for BullMQ's Job: data in memory, updateData replaces it, updateProgress is recorded. */
function fakeJob(data: unknown): ProcessableJob & { data: unknown; progress: object[] } {
  const job = {
    id: 'job-1',
    data,
    progress: [] as object[],
    async updateData(next: StreamBatchJob) {
      job.data = next;
    },
    async updateProgress(progress: object) {
      job.progress.push(progress);
    },
  };
  return job;
}

async function metric(metrics: ReturnType<typeof createSluiceMetrics>, name: string) {
  const values = (await metrics.registry.getSingleMetric(name)!.get()).values;
  return values.map((v) => ({ ...v.labels, value: v.value }));
}

describe('stream batch processor', () => {
  it('invokes the function with {"Records":[...]}, Lambda\'s records byte for byte from a job stored packed, and returns succeeded', async () => {
    // Arrange: the job as the queue stores it (packed), after a trip through JSON like Redis gives
    const { invoker, process, metrics } = setup();
    const batch = buildStreamBatchJob({ firstArrivalMs: NOW });
    const job = fakeJob(JSON.parse(JSON.stringify(packStreamBatchJob(batch))));
    // Act
    const outcome = await process(job);
    // Assert: the outcome names the batch's last record (the poller checkpoints by it)
    expect(outcome).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: batch.lastSequenceNumber });
    expect(invoker.requests).toHaveLength(1);
    expect(invoker.requests[0]!.payload).toBe(JSON.stringify({ Records: batch.records }));
    expect(invoker.requests[0]!.fn.name).toBe('orders');
    expect(await metric(metrics, 'sluice_invocations_total')).toEqual([{ function: 'orders', outcome: 'success', value: 1 }]);
  });

  it('invokes a job stored by a poller before packing (Lambda\'s whole records) with those records as they are', async () => {
    const { invoker, process } = setup();
    const batch = buildStreamBatchJob({ firstArrivalMs: NOW });

    await process(fakeJob(batch));

    expect(invoker.requests[0]!.payload).toBe(JSON.stringify({ Records: batch.records }));
  });

  it('saves the function error count, in the job as it was stored (packed), and throws so BullMQ retries', async () => {
    const { process, metrics } = setup({ invoker: new FakeInvoker([FakeInvoker.functionError('bad record')]) });
    const stored = packStreamBatchJob(buildStreamBatchJob({ firstArrivalMs: NOW }));
    const job = fakeJob(stored);

    const error = await process(job).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).code).toBe(ErrorCode.FunctionError);
    expect((job.data as StreamBatchJob).functionErrors).toBe(1);
    // The poller awaiting the batch hears it (BullMQ's progress event) and shows it on the mapping.
    expect(job.progress).toEqual([{ problem: 'PROBLEM: Function call failed' }]);
    expect(job.data).toMatchObject({ records: stored.records, sharedRecordMembers: stored.sharedRecordMembers });
    expect(await metric(metrics, 'sluice_retries_total')).toEqual([{ mapping: buildStreamBatchJob().mappingId, reason: 'function_error', value: 1 }]);
  });

  it('spends the budget when the Lambda invoker says the function does not exist', async () => {
    const gone = new SluiceError(ErrorCode.FunctionNotFound, 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:orders', { retryable: false });
    const { process } = setup({ invoker: new FakeInvoker([gone]) });
    const job = fakeJob(buildStreamBatchJob({ firstArrivalMs: NOW, maximumRetryAttempts: 0 }));

    const outcome = await process(job);

    expect(outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted' });
  });

  it('returns discarded RetryAttemptsExhausted with the function answer once the budget is spent', async () => {
    const { process, parked } = setup({ invoker: new FakeInvoker([FakeInvoker.functionError('still bad')]) });
    const batch = buildStreamBatchJob({ firstArrivalMs: NOW, maximumRetryAttempts: 2, functionErrors: 2 });
    const job = fakeJob(batch);

    const outcome = await process(job);

    expect(outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 3 });
    expect(outcome.status === 'discarded' && outcome.lastError).toContain('still bad');
    expect((job.data as StreamBatchJob).functionErrors).toBe(3);
    // Without an on-failure destination the batch is parked, records and all.
    expect(parked).toEqual([
      expect.objectContaining({ kind: 'stream-batch', mappingId: batch.mappingId, functionName: 'orders', createdAt: NOW, payload: { Records: batch.records } }),
    ]);
  });

  it('discards old records without invoking', async () => {
    const { invoker, process } = setup();
    const job = fakeJob(buildStreamBatchJob({ maximumRecordAgeInSeconds: 60, firstArrivalMs: NOW - 120_000 }));

    expect(await process(job)).toEqual({ status: 'discarded', condition: 'RecordAgeExceeded', invocations: 0, lastSequenceNumber: buildStreamBatchJob().lastSequenceNumber });
    expect(invoker.requests).toHaveLength(0);
  });

  it('retries transport faults without touching the function error count', async () => {
    const refused = new SluiceError(ErrorCode.InvokeTransport, 'ECONNREFUSED', { retryable: true });
    const { process, metrics } = setup({ invoker: new FakeInvoker([refused]) });
    const job = fakeJob(buildStreamBatchJob({ firstArrivalMs: NOW, maximumRetryAttempts: 0 }));

    await expect(process(job)).rejects.toBe(refused);

    expect((job.data as StreamBatchJob).functionErrors).toBe(0);
    expect(await metric(metrics, 'sluice_invocations_total')).toEqual([{ function: 'orders', outcome: 'transport_error', value: 1 }]);
  });

  it('spends the budget on a refusal of ours that will not pass (a non-retryable SluiceError), so the batch ends by the mapping rules instead of holding the shard', async () => {
    // Arrange: a node function whose Module is outside SLUICE_FUNCTIONS_DIR (the runtime refuses it, and will again)
    const outside = new SluiceError(ErrorCode.InvokerUnavailable, 'function orders: Module "../x.mjs" is outside SLUICE_FUNCTIONS_DIR; it is not run', { retryable: false });
    const { process } = setup({ invoker: new FakeInvoker([outside, outside]) });
    const job = fakeJob(buildStreamBatchJob({ firstArrivalMs: NOW, maximumRetryAttempts: 1 }));

    // Act: BullMQ runs the job again after the first throw
    const first = await process(job).catch((e: unknown) => e);
    const outcome = await process(job);

    // Assert
    expect(first).toMatchObject({ retryable: true });
    expect((job.data as StreamBatchJob).functionErrors).toBe(2);
    expect(outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted', invocations: 0 });
    expect(outcome.status === 'discarded' && outcome.lastError).toContain('outside SLUICE_FUNCTIONS_DIR');
  });

  it('treats a deleted function as a function error, ending by the mapping rules', async () => {
    const { invoker, process } = setup({ functions: [] });
    const job = fakeJob(buildStreamBatchJob({ firstArrivalMs: NOW, maximumRetryAttempts: 0 }));

    const outcome = await process(job);

    expect(outcome).toMatchObject({ status: 'discarded', condition: 'RetryAttemptsExhausted', lastError: 'function orders is not registered' });
    expect(invoker.requests).toHaveLength(0);
  });

  it('fails a malformed payload for good (UnrecoverableError), without invoking', async () => {
    const { invoker, process } = setup();

    await expect(process(fakeJob({ mappingId: 'x' }))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(invoker.requests).toHaveLength(0);
  });

  it('fails a batch whose records are not JSON objects for good, without invoking', async () => {
    const { invoker, process } = setup();
    const valid = buildStreamBatchJob({ firstArrivalMs: NOW });

    for (const record of ['a string', null, ['an', 'array'], 7]) {
      await expect(process(fakeJob({ ...valid, records: [valid.records[0], record] }))).rejects.toThrow(/malformed stream batch job.*JSON object/);
    }
    expect(invoker.requests).toHaveLength(0);
  });
});
