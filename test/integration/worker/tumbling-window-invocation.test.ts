import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { ErrorCode, RedisWindowStateStore, createRedisKeys, type InvokeResult, type StreamBatchJob } from '@sluice/shared';
import { TumblingWindowInvocation, windowKey } from '../../../services/worker/src/tumbling-window-invocation.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { buildKinesisBatchJob, kinesisSequenceNumber } from '../../helpers/stream-batch-fixture.js';
import { uniqueName } from '../../helpers/unique-name.js';

// The worker's side of tumbling windows against real Redis (the version-checked Lua write).
// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
const { redisUrl } = inject('stack');
const prefix = uniqueName('windows');
const CAP = 64;
let redis: Redis;
let store: RedisWindowStateStore;
let windows: TumblingWindowInvocation;

type Event = { Records: { kinesis: { sequenceNumber: string } }[]; state: Record<string, unknown>; window: { start: string; end: string }; isFinalInvokeForWindow: boolean; isWindowTerminatedEarly: boolean };

/** A function that records what it got and answers `answer(event)` as JSON. */
function fakeFunction(answer: (event: Event) => unknown) {
  const events: Event[] = [];
  const call = async (payload: string): Promise<InvokeResult> => {
    const event = JSON.parse(payload) as Event;
    events.push(event);
    return { payload: JSON.stringify(answer(event)), statusCode: 200, durationMs: 1 };
  };
  return { events, call };
}

let windowStart = 1_700_000_000_000;
/** A batch of `n` records in a fresh window (each test its own), or that window's final. */
function windowJob(n: number, overrides: Partial<StreamBatchJob> = {}, isFinal = false, terminatedEarly = false): StreamBatchJob {
  return buildKinesisBatchJob(n, { mappingId: prefix, window: { startMs: windowStart, endMs: windowStart + 2000, isFinal, terminatedEarly }, ...overrides });
}
const whole = (job: StreamBatchJob) => ({ start: 0, end: job.records.length, functionErrors: 0, invocations: 0 });
const count = (event: Event) => ({ state: { count: Number(event.state['count'] ?? 0) + event.Records.length } });

beforeAll(() => {
  redis = new Redis(redisUrl);
  store = new RedisWindowStateStore(redis, createRedisKeys(prefix), CAP);
  windows = new TumblingWindowInvocation(store);
});

afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(redisUrl, prefix);
});

describe('TumblingWindowInvocation', () => {
  it('hands each invocation the state the previous one returned, {} at first, with the window in ISO 8601', async () => {
    windowStart += 10_000;
    const fn = fakeFunction(count);
    const first = windowJob(3);
    await windows.invoke(first, { ...whole(first), end: 2 }, fn.call);
    await windows.invoke(first, { ...whole(first), start: 2 }, fn.call);
    expect(fn.events.map((e) => e.state)).toEqual([{}, { count: 2 }]);
    expect(fn.events[0]!.window).toEqual({ start: new Date(windowStart).toISOString().replace('.000Z', 'Z'), end: new Date(windowStart + 2000).toISOString().replace('.000Z', 'Z') });
    expect(fn.events[0]).toMatchObject({ isFinalInvokeForWindow: false, isWindowTerminatedEarly: false, shardId: first.shardId, eventSourceARN: first.eventSourceArn });
    expect((await store.read(windowKey(first))).stateJson).toBe('{"count":3}');
  });

  it('counts an answer without a state object as a failed invocation and keeps the old state', async () => {
    windowStart += 10_000;
    for (const answer of [{}, { state: null }, { state: 7 }, { state: [1] }, 'not json']) {
      const job = windowJob(1);
      const fn = fakeFunction(() => answer);
      const result = (await windows.invoke(job, whole(job), fn.call)) as InvokeResult;
      expect(result.functionError).toBe('Unhandled');
      expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'InvalidTumblingWindowResponse' });
      expect((await store.read(windowKey(job))).version).toBe(0);
    }
  });

  it('does not invoke records already folded into the state again (a re-run after a crash, a re-read)', async () => {
    windowStart += 10_000;
    const job = windowJob(3);
    const fn = fakeFunction(count);
    await windows.invoke(job, whole(job), fn.call);
    expect(await windows.invoke(job, whole(job), fn.call)).toBe('covered');
    expect(fn.events).toHaveLength(1);
  });

  it('under ReportBatchItemFailures keeps the state as covering the records before the lowest failure; the retry sends the rest with it', async () => {
    windowStart += 10_000;
    const job = windowJob(4, { functionResponseTypes: ['ReportBatchItemFailures'] });
    let calls = 0;
    const fn = fakeFunction((event) => {
      calls += 1;
      return calls === 1 ? { state: { count: 2 }, batchItemFailures: [{ itemIdentifier: kinesisSequenceNumber(2) }] } : count(event);
    });
    await windows.invoke(job, whole(job), fn.call);
    expect((await store.read(windowKey(job))).through).toBe(kinesisSequenceNumber(1));
    await windows.invoke(job, { ...whole(job), start: 2 }, fn.call);
    expect(fn.events[1]!.Records.map((r) => r.kinesis.sequenceNumber)).toEqual([kinesisSequenceNumber(2), kinesisSequenceNumber(3)]);
    expect(fn.events[1]!.state).toEqual({ count: 2 });
  });

  it('reports a state over the cap as an early end; the early final gets it, and the window goes on from {}', async () => {
    windowStart += 10_000;
    const job = windowJob(2);
    const fn = fakeFunction((event) => (event.isFinalInvokeForWindow ? { state: {} } : { state: { pad: 'x'.repeat(CAP) } }));
    await windows.invoke(job, whole(job), fn.call);
    expect(await windows.outcome(job)).toEqual({ terminatedEarly: true });
    const early = windowJob(0, { records: [], lastSequenceNumber: job.lastSequenceNumber }, true, true);
    await windows.invoke(early, whole(early), fn.call);
    expect(fn.events[1]).toMatchObject({ Records: [], isFinalInvokeForWindow: true, isWindowTerminatedEarly: true, state: { pad: 'x'.repeat(CAP) } });
    expect(await store.read(windowKey(job))).toMatchObject({ stateJson: '{}', overCap: false, finalizedThrough: job.lastSequenceNumber });
    // The final already done is not invoked again when its job runs twice.
    expect(await windows.invoke(early, whole(early), fn.call)).toBe('covered');
  });

  it('refuses a state write made from an older read (another invocation wrote first)', async () => {
    windowStart += 10_000;
    const job = windowJob(1);
    const fn = fakeFunction(count);
    const racing = async (payload: string) => {
      await store.save(windowKey(job), 0, { stateJson: '{"count":99}' }); // someone else, meanwhile
      return fn.call(payload);
    };
    await expect(windows.invoke(job, whole(job), racing)).rejects.toMatchObject({ code: ErrorCode.WindowStateConflict, retryable: true });
    expect((await store.read(windowKey(job))).stateJson).toBe('{"count":99}');
  });
});
