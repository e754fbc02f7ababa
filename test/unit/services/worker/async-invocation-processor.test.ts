import { describe, expect, it } from 'vitest';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { ErrorCode, SluiceError, createLogger, createSluiceMetrics, type Destination, type DestinationDelivery, type EventInvokeConfig } from '@sluice/shared';
import { FakeInvoker } from '@sluice/invokers';
import { createAsyncInvocationProcessor, type AsyncProcessableJob } from '@sluice/worker';
import { buildFunction } from '../../../helpers/stream-batch-fixture.js';

const NOW = 1_700_000_000_000;
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:dest';

/** What ioredis rejects a command with while Redis refuses connections. */
const redisDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

/** An event nested 10,000 deep: JSON.parse reads it, JSON.stringify of the parsed value overflows the stack. */
const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

function setup(options: { invoker?: FakeInvoker; config?: Partial<EventInvokeConfig>; destination?: Destination; configReadFailures?: number; configReadError?: () => Error } = {}) {
  let configReadFailures = options.configReadFailures ?? 0;
  const configReadError = options.configReadError ?? redisDown;
  const invoker = options.invoker ?? new FakeInvoker();
  const delivered: DestinationDelivery[] = [];
  const destination: Destination = options.destination ?? { type: 'sqs', deliver: async (d) => void delivered.push(d) };
  const parked: unknown[] = [];
  const process = createAsyncInvocationProcessor({
    functions: { get: async (name) => (name === 'orders' ? buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' }) : undefined) },
    eventInvokeConfigs: {
      get: async () => {
        if (configReadFailures-- > 0) throw configReadError();
        return options.config === undefined ? undefined : { functionName: 'orders', qualifier: '$LATEST', lastModified: NOW, ...options.config };
      },
    },
    invoker,
    logger: createLogger({ level: 'silent' }),
    metrics: createSluiceMetrics(),
    destinations: { destinationFor: () => destination },
    deadLetters: { park: async (entry) => void parked.push(entry) },
    settings: { functionErrorDelaysMs: [60_000, 120_000], backoff: { baseMs: 1000, maxMs: 300_000 } },
    deliveryBackoff: { baseMs: 1000, maxMs: 300_000 },
    region: 'us-east-1',
    accountId: '000000000000',
    now: () => NOW,
    random: () => 1,
    newId: () => '00000000-0000-4000-8000-000000000001',
  });
  return { invoker, process, delivered, parked };
}

/** A stand-in for BullMQ's Job: data in memory, moveToDelayed noted. */
function fakeJob(data: unknown) {
  const job = {
    id: 'r1',
    data,
    delayedUntil: [] as number[],
    async updateData(next: unknown) {
      job.data = next;
    },
    async moveToDelayed(timestamp: number) {
      job.delayedUntil.push(timestamp);
    },
  };
  return job satisfies AsyncProcessableJob;
}

const event = (overrides: Record<string, unknown> = {}) => ({ requestId: 'r1', functionName: 'orders', payload: '{"a":1}', acceptedAt: NOW, origin: 'invoke', ...overrides });

describe('async invocation processor', () => {
  it('moves a failed event back to delayed for 1 minute with its attempts saved, then 2 minutes, then gives up', async () => {
    const { process, delivered, invoker } = setup({ invoker: new FakeInvoker([], FakeInvoker.functionError()), config: { onFailure: QUEUE_ARN } });
    const job = fakeJob(event());

    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    const outcome = await process(job, 'token');

    expect(job.delayedUntil).toEqual([NOW + 60_000, NOW + 120_000]);
    expect(invoker.requests.map((r) => r.requestId)).toEqual(['r1', 'r1', 'r1']);
    expect(outcome).toEqual({ condition: 'RetriesExhausted', invocations: 3, deliveredTo: QUEUE_ARN });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ kind: 'async-invocation', destinationArn: QUEUE_ARN, functionName: 'orders', deliveryId: '00000000-0000-4000-8000-000000000001' });
  });

  it('retries a failing destination from the saved record without invoking again', async () => {
    let refusals = 1;
    const delivered: DestinationDelivery[] = [];
    const destination: Destination = {
      type: 'sqs',
      deliver: async (d) => {
        if (refusals-- > 0) throw new SluiceError(ErrorCode.DestinationFailed, 'down', { retryable: true });
        delivered.push(d);
      },
    };
    const { process, invoker } = setup({ destination, config: { onSuccess: QUEUE_ARN } });
    const job = fakeJob(event());

    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    const outcome = await process(job, 'token');

    expect(invoker.requests).toHaveLength(1);
    expect(job.delayedUntil).toEqual([NOW + 1000]);
    expect(outcome).toEqual({ condition: 'Success', invocations: 1, deliveredTo: QUEUE_ARN });
    expect(delivered[0]?.record).toMatchObject({ requestContext: { condition: 'Success', approximateInvokeCount: 1 }, requestPayload: { a: 1 } });
  });

  it('requeues a system error without spending the retries', async () => {
    const down = new SluiceError(ErrorCode.InvokeTransport, 'ECONNREFUSED', { retryable: true });
    const { process } = setup({ invoker: new FakeInvoker([down]), config: { maximumRetryAttempts: 0 } });
    const job = fakeJob(event());

    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    const outcome = await process(job, 'token');

    expect(job.delayedUntil).toEqual([NOW + 1000]);
    expect(outcome).toEqual({ condition: 'Success', invocations: 1 });
  });

  it('spends a retry on a refusal of ours that will not pass (a non-retryable SluiceError), then parks the event', async () => {
    const outside = new SluiceError(ErrorCode.InvokerUnavailable, 'Module outside SLUICE_FUNCTIONS_DIR', { retryable: false });
    const { process, parked } = setup({ invoker: new FakeInvoker([], outside), config: { maximumRetryAttempts: 0 } });

    const outcome = await process(fakeJob(event()), 'token');

    expect(outcome).toMatchObject({ condition: 'RetriesExhausted', deliveredTo: 'dead-letter store' });
    expect(parked).toHaveLength(1);
  });

  it('parks a failure without OnFailure in the dead-letter store', async () => {
    const { process, parked } = setup({ invoker: new FakeInvoker([], FakeInvoker.functionError()), config: { maximumRetryAttempts: 0 } });

    const outcome = await process(fakeJob(event()), 'token');

    expect(outcome).toEqual({ condition: 'RetriesExhausted', invocations: 1, deliveredTo: 'dead-letter store' });
    expect(parked).toEqual([expect.objectContaining({ kind: 'async-event', functionName: 'orders', payload: { a: 1 } })]);
  });

  it('treats a function deleted while its event waited as a function error (404), spending the retries', async () => {
    const { process, parked, invoker } = setup();

    await expect(process(fakeJob(event({ functionName: 'gone' })), 'token')).rejects.toBeInstanceOf(DelayedError);

    expect(invoker.requests).toHaveLength(0);
    expect(parked).toEqual([]);
  });

  it('requeues an event whose settings could not be read (Redis down) instead of failing it', async () => {
    const { process, invoker } = setup({ configReadFailures: 1 });
    const job = fakeJob(event());

    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    const outcome = await process(job, 'token');

    expect(job.delayedUntil).toEqual([NOW + 1000]);
    expect(invoker.requests).toHaveLength(1);
    expect(outcome).toEqual({ condition: 'Success', invocations: 1 });
  });

  it('parks an event nested 10,000 deep after its retries, its payload kept as text (was requeued forever: RangeError in finish)', async () => {
    const { process, parked } = setup({ invoker: new FakeInvoker([], FakeInvoker.functionError()), config: { maximumRetryAttempts: 1 } });
    const job = fakeJob(event({ payload: DEEP }));

    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    const outcome = await process(job, 'token');

    expect(job.delayedUntil).toEqual([NOW + 60_000]);
    expect(outcome).toEqual({ condition: 'RetriesExhausted', invocations: 2, deliveredTo: 'dead-letter store' });
    expect(parked).toEqual([
      expect.objectContaining({ kind: 'async-event', payload: DEEP, failureRecord: expect.objectContaining({ requestPayload: DEEP, requestContext: expect.objectContaining({ condition: 'RetriesExhausted' }) }) }),
    ]);
  });

  it('sends the record of a function answering JSON nested 10,000 deep, its response kept as text', async () => {
    const { process, delivered } = setup({ invoker: new FakeInvoker([], FakeInvoker.success(DEEP)), config: { onSuccess: QUEUE_ARN } });

    const outcome = await process(fakeJob(event()), 'token');

    expect(outcome).toEqual({ condition: 'Success', invocations: 1, deliveredTo: QUEUE_ARN });
    expect(delivered[0]?.record).toMatchObject({ requestPayload: { a: 1 }, responsePayload: DEEP });
  });

  it('spends the retries on a fault that is not transient (a corrupt settings record), then parks the event', async () => {
    const corrupt = () => new SyntaxError('Unexpected token } in JSON at position 7');
    const { process, parked, invoker } = setup({ configReadFailures: Infinity, configReadError: corrupt });
    const job = fakeJob(event());

    // Lambda's defaults apply (the settings cannot be read): 2 retries after 1 and 2 minutes.
    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    await expect(process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    const outcome = await process(job, 'token');

    expect(job.delayedUntil).toEqual([NOW + 60_000, NOW + 120_000]);
    expect(invoker.requests).toHaveLength(0);
    expect(outcome).toEqual({ condition: 'RetriesExhausted', invocations: 0, deliveredTo: 'dead-letter store' });
    expect(parked).toEqual([expect.objectContaining({ payload: { a: 1 }, failureRecord: expect.objectContaining({ requestContext: expect.objectContaining({ approximateInvokeCount: 0 }) }) })]);
  });

  it('a fault past MaximumEventAgeInSeconds ends the event with EventAgeExceeded', async () => {
    const { process, parked } = setup({ configReadFailures: Infinity, configReadError: () => new TypeError('corrupt') });
    const job = fakeJob(event({ acceptedAt: NOW - 6 * 60 * 60 * 1000 + 30_000 }));

    const outcome = await process(job, 'token');

    expect(job.delayedUntil).toEqual([]);
    expect(outcome).toEqual({ condition: 'EventAgeExceeded', invocations: 0, deliveredTo: 'dead-letter store' });
    expect(parked).toHaveLength(1);
  });

  it('fails a malformed job without retrying it', async () => {
    const { process } = setup();

    await expect(process(fakeJob({ requestId: 'r1' }), 'token')).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
