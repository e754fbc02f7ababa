import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from 'bullmq';
import { createLogger, type StreamBatchJob, type WindowStateKey, type WindowStateRecord, type WindowStateStore } from '@sluice/shared';
import { FakeInvoker } from '@sluice/invokers';
import { createStreamBatchProcessor, type ProcessableJob } from '@sluice/worker';
import { TumblingWindowInvocation } from '../../../../services/worker/src/tumbling-window-invocation.js';
import { buildFunction, buildKinesisBatchJob } from '../../../helpers/stream-batch-fixture.js';

// The stream batch processor running jobs of mappings with TumblingWindowInSeconds.
// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
const NOW = 1_700_000_000_000;
const WINDOW = { startMs: 1_699_999_998_000, endMs: 1_700_000_000_000, isFinal: false, terminatedEarly: false };

/** A WindowStateStore in memory (the Redis one is tested against Redis). */
class MemoryWindowStates implements WindowStateStore {
  readonly records = new Map<number, WindowStateRecord>();
  async read(key: WindowStateKey): Promise<WindowStateRecord> {
    return this.records.get(key.windowStartMs) ?? { stateJson: '{}', version: 0, overCap: false };
  }
  async save(key: WindowStateKey, expectedVersion: number, update: { stateJson: string; through?: string }) {
    const current = await this.read(key);
    if (current.version !== expectedVersion) return 'conflict' as const;
    this.records.set(key.windowStartMs, { ...current, stateJson: update.stateJson, version: current.version + 1, overCap: update.stateJson.length > 50, ...(update.through ? { through: update.through } : {}) });
    return 'written' as const;
  }
  async close(key: WindowStateKey, expectedVersion: number, finalizedThrough: string) {
    const current = await this.read(key);
    if (current.version !== expectedVersion) return 'conflict' as const;
    this.records.set(key.windowStartMs, { ...current, stateJson: '{}', overCap: false, finalizedThrough, version: current.version + 1 });
    return 'written' as const;
  }
}

function setup(invoker = new FakeInvoker(), withWindows = true) {
  const states = new MemoryWindowStates();
  const fn = buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' });
  const process = createStreamBatchProcessor({
    functions: { get: async (name) => (name === fn.name ? fn : undefined) },
    invoker,
    logger: createLogger({ level: 'silent' }),
    now: () => NOW,
    ...(withWindows ? { windows: new TumblingWindowInvocation(states) } : {}),
  });
  return { invoker, states, process };
}

function fakeJob(data: StreamBatchJob): ProcessableJob & { data: unknown } {
  const job = { id: 'job-1', data: data as unknown, updateData: async (next: StreamBatchJob) => void (job.data = next) };
  return job;
}

const stateAnswer = (state: unknown) => FakeInvoker.success(JSON.stringify({ state }));

describe('stream batch processor with tumbling windows', () => {
  it('invokes with the window, the state and the flags, and reports whether the window must end early', async () => {
    const { invoker, process, states } = setup(new FakeInvoker([stateAnswer({ pad: 'x'.repeat(60) })]));
    const job = buildKinesisBatchJob(2, { window: WINDOW });
    const outcome = await process(fakeJob(job));
    expect(outcome).toEqual({ status: 'succeeded', invocations: 1, lastSequenceNumber: job.lastSequenceNumber, window: { terminatedEarly: true } });
    const event = JSON.parse(invoker.requests[0]!.payload) as Record<string, unknown>;
    expect(Object.keys(event)).toEqual(['Records', 'window', 'state', 'shardId', 'eventSourceARN', 'isFinalInvokeForWindow', 'isWindowTerminatedEarly']);
    expect(event).toMatchObject({ window: { start: '2023-11-14T22:13:18Z', end: '2023-11-14T22:13:20Z' }, state: {}, isFinalInvokeForWindow: false, isWindowTerminatedEarly: false });
    expect(states.records.get(WINDOW.startMs)?.through).toBe(job.lastSequenceNumber);
  });

  it('does not invoke a batch whose records are already folded into the state, and counts it succeeded', async () => {
    const { invoker, process, states } = setup();
    const job = buildKinesisBatchJob(2, { window: WINDOW });
    states.records.set(WINDOW.startMs, { stateJson: '{"count":2}', version: 1, through: job.lastSequenceNumber, overCap: false });
    expect(await process(fakeJob(job))).toEqual({ status: 'succeeded', invocations: 0, lastSequenceNumber: job.lastSequenceNumber, window: { terminatedEarly: false } });
    expect(invoker.requests).toHaveLength(0);
  });

  it('runs a final without records, with the window state, and drops the state after it', async () => {
    const { invoker, process, states } = setup(new FakeInvoker([stateAnswer({})]));
    states.records.set(WINDOW.startMs, { stateJson: '{"count":2}', version: 1, overCap: false });
    const final = { ...buildKinesisBatchJob(1, { window: { ...WINDOW, isFinal: true } }), records: [] };
    expect(await process(fakeJob(final))).toMatchObject({ status: 'succeeded', invocations: 1 });
    expect(JSON.parse(invoker.requests[0]!.payload)).toMatchObject({ Records: [], state: { count: 2 }, isFinalInvokeForWindow: true });
    expect(states.records.get(WINDOW.startMs)).toMatchObject({ stateJson: '{}', finalizedThrough: final.lastSequenceNumber });
  });

  it('retries an answer without a state as a function error, spending MaximumRetryAttempts', async () => {
    const { process } = setup(new FakeInvoker([FakeInvoker.success('{"batchItemFailures":[]}')]));
    const job = fakeJob(buildKinesisBatchJob(1, { window: WINDOW }));
    await expect(process(job)).rejects.toThrow(/failed/);
    expect((job.data as StreamBatchJob).functionErrors).toBe(1);
  });

  it('fails a windowed job at once on a worker without a window state store', async () => {
    const { process } = setup(new FakeInvoker(), false);
    await expect(process(fakeJob(buildKinesisBatchJob(1, { window: WINDOW })))).rejects.toBeInstanceOf(UnrecoverableError);
  });
});
