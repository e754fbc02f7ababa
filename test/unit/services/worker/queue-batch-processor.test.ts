import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import {
  ErrorCode,
  SluiceError,
  buildSqsQueueMessage,
  createLogger,
  createSluiceMetrics,
  type ConcurrencyLimiter,
  type FunctionDefinition,
  type QueueBatchJob,
} from '@sluice/shared';
import { FakeInvoker } from '@sluice/invokers';
import { createQueueBatchProcessor, type QueueProcessableJob } from '../../../../services/worker/src/queue-batch-processor.js';
import { buildFunction } from '../../../helpers/stream-batch-fixture.js';

const logger = createLogger({ level: 'silent' });
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:orders';

function records(...ids: string[]) {
  return ids.map((id) => buildSqsQueueMessage({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: `body ${id}`, MD5OfBody: 'md5', Attributes: { ApproximateReceiveCount: '1' } }, { queueArn: QUEUE_ARN }).lambdaRecord);
}

function queueBatchJob(overrides: Partial<QueueBatchJob> = {}): QueueBatchJob {
  return {
    mappingId: 'a1b2c3d4-0000-4000-8000-00000000000a',
    functionName: 'orders',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
    eventSourceArn: QUEUE_ARN,
    sourceKind: 'sqs',
    records: records('m1', 'm2', 'm3'),
    functionResponseTypes: [],
    faults: 0,
    enqueuedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** A stand-in for BullMQ's Job: data in memory, updateData replaces it. */
function fakeJob(data: unknown): QueueProcessableJob & { data: unknown } {
  const job = {
    id: 'job-1',
    data,
    async updateData(next: QueueBatchJob) {
      job.data = next;
    },
  };
  return job;
}

/** A limiter with `free` slots per function. */
function slots(free: number): ConcurrencyLimiter & { taken: number } {
  const limiter = {
    taken: 0,
    async acquire() {
      if (limiter.taken >= free) return undefined;
      limiter.taken += 1;
      return { release: async () => void (limiter.taken -= 1) };
    },
  };
  return limiter;
}

function setup(options: { invoker?: FakeInvoker; functions?: FunctionDefinition[]; concurrency?: ConcurrencyLimiter } = {}) {
  const invoker = options.invoker ?? new FakeInvoker();
  const registered = new Map((options.functions ?? [buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' })]).map((f) => [f.name, f]));
  const metrics = createSluiceMetrics();
  const process = createQueueBatchProcessor({
    functions: { get: async (name) => registered.get(name) },
    invoker,
    logger,
    metrics,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    maxFaults: 2,
    newRequestId: () => 'req-1',
  });
  return { invoker, metrics, process };
}

const reporting = { functionResponseTypes: ['ReportBatchItemFailures' as const] };
const answer = (body: unknown) => FakeInvoker.success(JSON.stringify(body));

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
describe('queue batch processor', () => {
  it("invokes the function once with Lambda's SQS event and answers succeeded", async () => {
    const { invoker, process, metrics } = setup();
    const batch = queueBatchJob();

    const outcome = await process(fakeJob(JSON.parse(JSON.stringify(batch))));

    expect(outcome).toEqual({ status: 'succeeded' });
    expect(invoker.requests).toHaveLength(1);
    expect(invoker.requests[0]!.payload).toBe(JSON.stringify({ Records: batch.records }));
    const invocations = (await metrics.registry.getSingleMetric('sluice_invocations_total')!.get()).values;
    expect(invocations.map((v) => ({ ...v.labels, value: v.value }))).toEqual([{ function: 'orders', outcome: 'success', value: 1 }]);
  });

  it('fails the whole batch on a function error, once, without retrying it (the queue brings the messages back)', async () => {
    const { invoker, process } = setup({ invoker: new FakeInvoker([FakeInvoker.functionError('bad order')]) });

    const outcome = await process(fakeJob(queueBatchJob(reporting)));

    expect(outcome).toMatchObject({ status: 'failed', reason: 'function_error' });
    expect(outcome.status === 'failed' && outcome.detail).toContain('bad order');
    expect(invoker.requests).toHaveLength(1);
  });

  it('ignores batchItemFailures without ReportBatchItemFailures', async () => {
    const { process } = setup({ invoker: new FakeInvoker([answer({ batchItemFailures: [{ itemIdentifier: 'm2' }] })]) });

    expect(await process(fakeJob(queueBatchJob()))).toEqual({ status: 'succeeded' });
  });

  it.each([
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['an empty response', {}],
    ['a null response', null],
  ])('with ReportBatchItemFailures, counts %s as complete success', async (_name, body) => {
    const { process } = setup({ invoker: new FakeInvoker([answer(body)]) });

    expect(await process(fakeJob(queueBatchJob(reporting)))).toEqual({ status: 'succeeded' });
  });

  it('with ReportBatchItemFailures, names the listed messages as failed', async () => {
    const { process } = setup({ invoker: new FakeInvoker([answer({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] })]) });

    expect(await process(fakeJob(queueBatchJob(reporting)))).toEqual({ status: 'partial', failedItemIdentifiers: ['m2', 'm3'] });
  });

  it.each([
    ['an itemIdentifier that is not in the batch', { batchItemFailures: [{ itemIdentifier: 'm9' }] }],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a bad key name', { batchItemFailures: [{ foo: 'notvalid' }] }],
  ])('with ReportBatchItemFailures, fails the whole batch on %s', async (_name, body) => {
    const { process } = setup({ invoker: new FakeInvoker([answer(body)]) });

    expect(await process(fakeJob(queueBatchJob(reporting)))).toMatchObject({ status: 'failed', reason: 'invalid_response' });
  });

  it('with ReportBatchItemFailures, fails the whole batch on an answer that is not JSON', async () => {
    const { process } = setup({ invoker: new FakeInvoker([FakeInvoker.success('not json')]) });

    expect(await process(fakeJob(queueBatchJob(reporting)))).toMatchObject({ status: 'failed', reason: 'invalid_response' });
  });

  it('retries faults of ours in the job, counting them in the job data, then answers not_invoked', async () => {
    // Arrange: the function cannot be reached (maxFaults 2)
    const refused = new SluiceError(ErrorCode.InvokeTransport, 'ECONNREFUSED', { retryable: true });
    const { process, invoker } = setup({ invoker: new FakeInvoker([], refused) });
    const job = fakeJob(queueBatchJob());

    // Act: BullMQ runs the job again after each throw, with the data saved
    const first = await process(job).catch((e: unknown) => e);
    const second = await process(job).catch((e: unknown) => e);
    const third = await process(job);

    // Assert
    expect(first).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
    expect(second).toMatchObject({ code: ErrorCode.InvokeTransport });
    expect((job.data as QueueBatchJob).faults).toBe(2);
    expect(third).toMatchObject({ status: 'failed', reason: 'not_invoked' });
    expect(third.status === 'failed' && third.detail).toContain('ECONNREFUSED');
    expect(invoker.requests).toHaveLength(3);
  });

  it('answers not_invoked at once for a refusal of ours that will not pass (a non-retryable SluiceError)', async () => {
    const outside = new SluiceError(ErrorCode.InvokerUnavailable, 'Module outside SLUICE_FUNCTIONS_DIR', { retryable: false });
    const { process } = setup({ invoker: new FakeInvoker([], outside) });

    expect(await process(fakeJob(queueBatchJob()))).toMatchObject({ status: 'failed', reason: 'not_invoked', detail: 'Module outside SLUICE_FUNCTIONS_DIR' });
  });

  it('answers function_missing without invoking when the function is not registered', async () => {
    const { process, invoker } = setup({ functions: [] });

    expect(await process(fakeJob(queueBatchJob()))).toMatchObject({ status: 'failed', reason: 'function_missing' });
    expect(invoker.requests).toHaveLength(0);
  });

  it('answers function_missing when the Lambda invoker says the function does not exist', async () => {
    const gone = new SluiceError(ErrorCode.FunctionNotFound, 'Function not found', { retryable: false });
    const { process } = setup({ invoker: new FakeInvoker([gone]) });

    expect(await process(fakeJob(queueBatchJob()))).toMatchObject({ status: 'failed', reason: 'function_missing' });
  });

  it('treats a function at its reserved concurrency as a fault of ours: retried without invoking, its slot given back', async () => {
    // Arrange: one slot, already held by another invocation
    const limiter = slots(1);
    const held = await limiter.acquire('orders', 1, 60_000);
    const fn = { ...buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' }), reservedConcurrentExecutions: 1 };
    const { process, invoker } = setup({ functions: [fn], concurrency: limiter });
    const job = fakeJob(queueBatchJob());

    // Act
    const throttled = await process(job).catch((e: unknown) => e);
    await held!.release();
    const outcome = await process(job);

    // Assert: the first try did not invoke; the second did, and gave its slot back
    expect(throttled).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
    expect(outcome).toEqual({ status: 'succeeded' });
    expect(invoker.requests).toHaveLength(1);
    expect(limiter.taken).toBe(0);
  });

  it('does not invoke a job its worker stalled on (it died mid-batch): the messages come back through their queue', async () => {
    // BullMQ hands a stalled job to another worker; the poller that waited for it may be gone too,
    // and its messages come back after their visibility timeout whatever this job does.
    const { process, invoker } = setup();
    const job = Object.assign(fakeJob(queueBatchJob()), { stalledCounter: 1 });

    expect(await process(job)).toMatchObject({ status: 'failed', reason: 'worker_lost' });
    expect(invoker.requests).toHaveLength(0);
  });

  it('refuses a malformed job as unrecoverable (retrying cannot fix it)', async () => {
    const { process } = setup();

    await expect(process(fakeJob({ ...queueBatchJob(), records: [] }))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
