import { describe, expect, it } from 'vitest';
import { type BatchOutcome, type StreamMapping, type StreamBatchJob, type StreamRecord } from '@sluice/shared';
import type { BatchPlanner, RunBatch } from '../../../../../services/poller/src/consumer/batch-planner.js';
import { MAX_PAYLOAD_BYTES, type BatchLimits } from '../../../../../services/poller/src/consumer/batcher.js';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import type { PlannedWindow } from '../../../../../services/poller/src/consumer/tumbling-window-planner.js';
import { PlannerSwitch } from '../../../../../services/poller/src/consumer/planner-switch.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeDispatcher } from '../fakes/fake-dispatcher.js';
import { FakeLeaseStore } from '../fakes/fake-leases.js';
import { testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';
import { FakeShard, FakeSource } from '../fakes/fake-stream.js';

// Issue #3: every mapping update applies live. Lambda's pages do not say what a change of
// TumblingWindowInSeconds does to an open window (services-kinesis-windows.html), so Sluice drains
// the planner in use (its batches finish, the open window gets a final flagged
// isWindowTerminatedEarly) and then cuts with the new size from where it is: no record lost or
// invoked twice, order kept. https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html

const limits: BatchLimits = { batchSize: 10, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 0 };
const record = (seq: number): StreamRecord => ({ sequenceNumber: String(seq), partitionKey: 'k', approximateArrivalMs: 0, sizeBytes: 10, lambdaRecord: {} });

/** A planner that records what it is asked; its in-flight and buffered counts are set by the test. */
class FakePlanner implements BatchPlanner {
  readonly pushed: string[] = [];
  readonly dispatches: boolean[] = [];
  drained = false;
  inFlightCount = 0;
  bufferedCount = 0;
  constructor(
    readonly size: number,
    withDrain: boolean,
  ) {
    if (!withDrain) this.drain = undefined;
  }
  push(records: readonly StreamRecord[]): void {
    this.pushed.push(...records.map((r) => r.sequenceNumber));
  }
  dispatchReady(_limits: BatchLimits, shardEnded: boolean): void {
    this.dispatches.push(shardEnded);
  }
  putBack(): void {}
  msUntilNextWindow(): number {
    return Number.POSITIVE_INFINITY;
  }
  async settled(): Promise<void> {}
  drain?: () => void = () => {
    this.drained = true;
  };
  checkpointAfter(_w: PlannedWindow | undefined, _o: BatchOutcome, completed: string | undefined): string | undefined {
    return completed === undefined ? undefined : `${this.size}:${completed}`;
  }
}

function switchFor(size: number) {
  const mapping = { tumblingWindowInSeconds: size, parallelizationFactor: 1 };
  const made: FakePlanner[] = [];
  const planner = new PlannerSwitch(
    () => mapping,
    ({ tumblingWindowInSeconds: s }) => (made.push(new FakePlanner(s, s > 0)), made.at(-1)!),
  );
  const run: RunBatch = async () => undefined;
  return { mapping, made, planner, run };
}

describe('PlannerSwitch on a window size change (fake planners)', () => {
  it('uses the planner for the mapping size as it is, for records and checkpoints alike, while the size stays', () => {
    const { made, planner, run } = switchFor(60);
    planner.push([record(1), record(2)], 1);
    planner.dispatchReady(limits, false, run);
    expect(made.map((p) => p.size)).toEqual([60]);
    expect(made[0]!.pushed).toEqual(['1', '2']);
    expect(made[0]!.dispatches).toEqual([false]);
    expect(planner.checkpointAfter(undefined, { status: 'succeeded', invocations: 1 }, '2')).toBe('60:2');
  });

  it('on a size change drains the planner in use, holds records read meanwhile, and switches only once it is idle, handing them over in order', () => {
    const { mapping, made, planner, run } = switchFor(60);
    const old = made[0]!;
    old.inFlightCount = 1; // a batch in flight, and the window owes its final
    old.bufferedCount = 2;

    mapping.tumblingWindowInSeconds = 10;
    planner.push([record(3), record(4)], 1);
    expect(old.drained).toBe(true);
    expect(old.pushed).toEqual([]); // read after the change: they wait for the new planner
    expect(planner.bufferedCount).toBe(4);

    planner.dispatchReady(limits, false, run);
    expect(made).toHaveLength(1); // still busy: no switch yet
    expect(old.dispatches).toEqual([false]); // a draining window planner gets the real shard end

    old.inFlightCount = 0;
    old.bufferedCount = 0;
    planner.dispatchReady(limits, false, run);
    expect(made.map((p) => p.size)).toEqual([60, 10]);
    expect(made[1]!.pushed).toEqual(['3', '4']);
    expect(made[1]!.dispatches).toEqual([false]);
    expect(planner.windowSize).toBe(10);
    expect(planner.checkpointAfter(undefined, { status: 'succeeded', invocations: 1 }, '4')).toBe('10:4');
  });

  it('flushes lanes (no drain of their own) as at a shard end when windows are turned on (0 -> N)', () => {
    const { mapping, made, planner, run } = switchFor(0);
    made[0]!.inFlightCount = 2;
    mapping.tumblingWindowInSeconds = 5;
    planner.dispatchReady(limits, false, run);
    expect(made[0]!.dispatches).toEqual([true]);
    expect(made).toHaveLength(1);
    made[0]!.inFlightCount = 0;
    planner.dispatchReady(limits, false, run);
    expect(made.map((p) => p.size)).toEqual([0, 5]);
  });

  it('a second change while draining switches once, to the latest size', () => {
    const { mapping, made, planner, run } = switchFor(60);
    made[0]!.inFlightCount = 1;
    mapping.tumblingWindowInSeconds = 10;
    planner.dispatchReady(limits, false, run);
    mapping.tumblingWindowInSeconds = 0;
    planner.dispatchReady(limits, false, run);
    made[0]!.inFlightCount = 0;
    planner.dispatchReady(limits, false, run);
    expect(made.map((p) => p.size)).toEqual([60, 0]);
  });
});

/** Lanes that can hand their buffered records over (as LaneSet.takeBuffered); `laneCounts` logs each push's count. */
class FakeLanes extends FakePlanner {
  readonly laneCounts: number[] = [];
  handOver: StreamRecord[] = [];
  constructor() {
    super(0, false);
  }
  override push(records: readonly StreamRecord[], laneCount = -1): void {
    super.push(records);
    this.laneCounts.push(laneCount);
  }
  takeBuffered = (): StreamRecord[] => this.handOver.splice(0);
}

function lanesSwitch(factor: number, tumblingWindowInSeconds = 0) {
  const mapping = { tumblingWindowInSeconds, parallelizationFactor: factor };
  const made: FakePlanner[] = [];
  const planner = new PlannerSwitch(
    () => mapping,
    (layout) => (made.push(layout.tumblingWindowInSeconds > 0 ? new FakePlanner(layout.tumblingWindowInSeconds, true) : new FakeLanes()), made.at(-1)!),
  );
  const run: RunBatch = async () => undefined;
  return { mapping, made, planner, run };
}

describe('PlannerSwitch on a ParallelizationFactor change (fake planners)', () => {
  it('files records with the lane count in use, not the one the caller passes', () => {
    const { made, planner } = lanesSwitch(3);
    planner.push([record(1)], 7);
    expect((made[0] as FakeLanes).laneCounts).toEqual([3]);
    expect(planner.laneCount).toBe(3);
  });

  it('cuts no batch of the old lanes while one is in flight, then hands buffered and waiting records to the new lanes in read order', () => {
    const { mapping, made, planner, run } = lanesSwitch(1);
    const old = made[0] as FakeLanes;
    old.inFlightCount = 1;
    old.handOver = [record(2), record(3)]; // buffered behind the batch in flight

    mapping.parallelizationFactor = 4;
    planner.push([record(4)], 4);
    planner.dispatchReady(limits, false, run);
    expect(old.dispatches).toEqual([]); // nothing new under the old layout
    expect(old.pushed).toEqual([]);
    expect(made).toHaveLength(1);
    expect(planner.msUntilNextWindow(1000)).toBe(Number.POSITIVE_INFINITY); // the settling batch wakes the loop

    old.inFlightCount = 0;
    expect(planner.msUntilNextWindow(1000)).toBe(0);
    planner.dispatchReady(limits, false, run);
    const next = made[1] as FakeLanes;
    expect(next.pushed).toEqual(['2', '3', '4']);
    expect(next.laneCounts).toEqual([4]);
    expect(next.dispatches).toEqual([false]);
    expect(planner.laneCount).toBe(4);
  });

  it('taking over under a recorded factor: keeps it until a read finds the tip, then flushes (not re-lanes) the old lanes, records the new layout and cuts nothing until it is recorded', async () => {
    // Arrange: the previous owner recorded factor 1; the mapping says 4.
    const mapping = { tumblingWindowInSeconds: 0, parallelizationFactor: 4 };
    const made: FakeLanes[] = [];
    const recordedLayouts: unknown[] = [];
    let finishRecording = () => undefined as void;
    let recordedCalls = 0;
    const planner = new PlannerSwitch(() => mapping, () => (made.push(new FakeLanes()), made.at(-1)!), undefined, {
      recorded: { tumblingWindowInSeconds: 0, parallelizationFactor: 1 },
      record: (layout) => (recordedLayouts.push(layout), new Promise<void>((resolve) => (finishRecording = resolve))),
      onRecorded: () => (recordedCalls += 1),
    });
    const run: RunBatch = async () => undefined;
    const old = made[0]!;

    // Act / Assert: behind the tip, the recorded layout runs as usual (batches cut, no flush).
    expect(planner.layout).toEqual({ tumblingWindowInSeconds: 0, parallelizationFactor: 1 });
    planner.push([record(1), record(2)], 4);
    planner.observeRead(0, false);
    planner.dispatchReady(limits, false, run);
    expect(old.pushed).toEqual(['1', '2']);
    expect(old.laneCounts).toEqual([1]);
    expect(old.dispatches).toEqual([false]);

    // At the tip: records read then still go to the old lanes, which are flushed as at a shard end.
    planner.push([record(3)], 4);
    planner.observeRead(0, true);
    old.inFlightCount = 1;
    old.bufferedCount = 1;
    old.handOver = [record(3)];
    planner.dispatchReady(limits, false, run);
    expect(old.pushed).toEqual(['1', '2', '3']);
    expect(old.dispatches).toEqual([false, true]);
    planner.push([record(4)], 4); // read meanwhile: waits for the new lanes
    expect(old.pushed).toEqual(['1', '2', '3']);
    expect(made).toHaveLength(1);

    old.inFlightCount = 0;
    old.bufferedCount = 0;
    planner.dispatchReady(limits, false, run);
    expect(old.handOver).toEqual([record(3)]); // flushed, never taken out to be re-laned
    const next = made[1]!;
    expect(next.pushed).toEqual(['4']);
    expect(recordedLayouts).toEqual([{ tumblingWindowInSeconds: 0, parallelizationFactor: 4 }]);
    expect(next.dispatches).toEqual([]); // nothing cut under 4 lanes before the layout is recorded
    planner.dispatchReady(limits, false, run);
    expect(next.dispatches).toEqual([]);

    finishRecording();
    await waitFor(() => recordedCalls === 1, { timeoutMs: 2000, message: 'onRecorded never called' });
    planner.dispatchReady(limits, false, run);
    expect(next.dispatches).toEqual([false]);
    expect(planner.laneCount).toBe(4);
  });

  it('does not switch for a factor change under tumbling windows (one lane per shard there)', () => {
    const { mapping, made, planner, run } = lanesSwitch(1, 60);
    mapping.parallelizationFactor = 5;
    planner.push([record(1)], 5);
    planner.dispatchReady(limits, false, run);
    expect(made).toHaveLength(1);
    expect(made[0]!.drained).toBe(false);
    expect(made[0]!.pushed).toEqual(['1']);
  });
});

// The same through a ShardPoller with the real planners, an in-memory shard and a recording dispatcher.
const mappingBase = buildEventSourceMapping({ uuid: 'mapping-w', batchSize: 3 });

/** Arrival times well inside a 900 s window that is still open by the clock, so only the test ends windows. */
const FUTURE_WINDOW_MS = Math.ceil((Date.now() + 60_000) / 900_000) * 900_000;

function appendAt(shard: FakeShard, count: number, arrivalMs: number, key: (i: number) => string = () => 'k'): void {
  for (let i = 0; i < count; i += 1) {
    const seq = String(1000 + shard.records.length);
    shard.records.push({ sequenceNumber: seq, partitionKey: key(i), approximateArrivalMs: arrivalMs, sizeBytes: 50, lambdaRecord: { seq } });
  }
}

function pollerFor(over: Partial<StreamMapping>) {
  const shard = new FakeShard();
  const leases = new FakeLeaseStore();
  const dispatcher = new FakeDispatcher();
  const state = { mapping: { ...mappingBase, ...over } };
  const poller = new ShardPoller(testShardPollerDeps({ leases, source: new FakeSource(new Map([['shard-0', shard]])), dispatcher, mapping: () => state.mapping }));
  const update = (tumblingWindowInSeconds: number) => (state.mapping = { ...state.mapping, tumblingWindowInSeconds, version: state.mapping.version + 1 });
  const delivered = () => dispatcher.jobs.flatMap((j) => j.records.map((r) => String(r.seq)));
  /** Each job as `<records>|<window size s>|final|early`, in dispatch order. */
  const shape = (job: StreamBatchJob) =>
    [job.records.map((r) => String(r.seq)).join(','), job.window ? String((job.window.endMs - job.window.startMs) / 1000) : '-', job.window?.isFinal ? 'final' : '', job.window?.terminatedEarly ? 'early' : ''].join('|');
  return { shard, leases, dispatcher, poller, update, delivered, shapes: () => dispatcher.jobs.map(shape) };
}

const seqs = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe('ShardPoller with a live change of TumblingWindowInSeconds', () => {
  it('N -> M: the batch in flight finishes, the open window ends with an early final, then the next records go in windows of the new size', async () => {
    const { shard, leases, dispatcher, poller, update, delivered, shapes } = pollerFor({ tumblingWindowInSeconds: 900 });
    dispatcher.delayMs = 150;
    appendAt(shard, 4, FUTURE_WINDOW_MS + 1000);
    const running = poller.start();
    await waitFor(() => dispatcher.jobs.length >= 1, { intervalMs: 5, message: 'first batch never dispatched' });

    update(60); // while the first batch is in flight and record 1003 is still buffered
    appendAt(shard, 3, FUTURE_WINDOW_MS + 2000);
    shard.closed = true;
    expect(await running).toBe('shard-ended');

    expect(shapes()).toEqual([
      '1000,1001,1002|900||',
      '1003|900||',
      '|900|final|early', // the 900 s window, cut short by the update
      '1004,1005,1006|60||',
      '|60|final|', // closed by the shard's end
    ]);
    expect(delivered()).toEqual(seqs(1000, 7));
    const early = dispatcher.jobs[2]!;
    expect([early.firstSequenceNumber, early.lastSequenceNumber]).toEqual(['1000', '1003']);
    // The checkpoint waited for each window's final.
    expect(leases.checkpoints).toEqual(['1003', '1006', 'SHARD_END']);
  });

  it('0 -> N: every lane finishes its batches without a window, then windows start from the next record', async () => {
    const { shard, leases, dispatcher, poller, update, delivered, shapes } = pollerFor({ tumblingWindowInSeconds: 0, batchSize: 2, parallelizationFactor: 2 });
    appendAt(shard, 6, FUTURE_WINDOW_MS + 1000, (i) => `key-${i}`);
    const running = poller.start();
    await waitFor(() => delivered().length === 6, { message: () => `delivered ${delivered().join(',')}` });

    update(900);
    appendAt(shard, 3, FUTURE_WINDOW_MS + 2000);
    shard.closed = true;
    expect(await running).toBe('shard-ended');

    // The lanes' plain batches (2 lanes, 2 records each) all come before the first windowed one.
    const jobs = shapes();
    expect(jobs.slice(0, -3).every((s) => s.endsWith('|-||'))).toBe(true);
    expect(jobs.slice(-3)).toEqual(['1006,1007|900||', '1008|900||', '|900|final|']);
    const windowed = dispatcher.jobs.filter((j) => j.window !== undefined);
    expect(windowed.every((j) => j.lane === 0)).toBe(true);
    expect(delivered().slice(-3)).toEqual(['1006', '1007', '1008']);
    expect([...delivered()].sort()).toEqual(seqs(1000, 9));
    expect(leases.checkpoints.at(-2)).toBe('1008');
  });

  it('N -> 0: the open window is closed by an early final before plain batches go on, and holds the checkpoint until then', async () => {
    const { shard, leases, dispatcher, poller, update, delivered, shapes } = pollerFor({ tumblingWindowInSeconds: 900 });
    appendAt(shard, 3, FUTURE_WINDOW_MS + 1000);
    const running = poller.start();
    await waitFor(() => delivered().length === 3, { message: () => `delivered ${delivered().join(',')}` });
    expect(leases.checkpoints).toEqual([]); // the open window holds it

    update(0);
    appendAt(shard, 4, FUTURE_WINDOW_MS + 2000);
    shard.closed = true;
    expect(await running).toBe('shard-ended');

    expect(shapes()).toEqual(['1000,1001,1002|900||', '|900|final|early', '1003,1004,1005|-||', '1006|-||']);
    expect(delivered()).toEqual(seqs(1000, 7));
    expect(dispatcher.jobs.length).toBe(4);
    expect(leases.checkpoints[0]).toBe('1002');
    expect(leases.checkpoints.slice(-2)).toEqual(['1006', 'SHARD_END']);
  });
});
