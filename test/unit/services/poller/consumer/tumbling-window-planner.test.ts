import { beforeEach, describe, expect, it } from 'vitest';
import type { BatchOutcome, StreamRecord } from '@sluice/shared';
import { MAX_PAYLOAD_BYTES } from '../../../../../services/poller/src/consumer/batcher.js';
import { TumblingWindowPlanner, type PlannedWindow } from '../../../../../services/poller/src/consumer/tumbling-window-planner.js';

// Tumbling windows: https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
const record = (seq: number, arrivalMs: number): StreamRecord => ({
  sequenceNumber: String(seq),
  partitionKey: 'k',
  approximateArrivalMs: arrivalMs,
  sizeBytes: 100,
  lambdaRecord: {},
});
const limits = { batchSize: 10, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: 0 };
const succeeded: BatchOutcome = { status: 'succeeded', invocations: 1 };

interface Run {
  readonly batch: StreamRecord[];
  readonly window: PlannedWindow;
  finish(): Promise<void>;
}

let clock: number;
let runs: Run[];
let planner: TumblingWindowPlanner;

/** Dispatches what is ready; returns the run it started, if any. */
function dispatch(shardEnded = false): Run | undefined {
  const before = runs.length;
  planner.dispatchReady(limits, shardEnded, (_lane, batch, window) => {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    runs.push({ batch, window: window!, finish: async () => (resolve(), planner.settled()) });
    return done;
  });
  return runs.length > before ? runs.at(-1) : undefined;
}

const seqs = (run: Run | undefined) => run?.batch.map((r) => r.sequenceNumber);

beforeEach(() => {
  clock = 0;
  runs = [];
  planner = new TumblingWindowPlanner(2, () => clock); // 2 s windows
});

describe('TumblingWindowPlanner', () => {
  it('never lets a batch span two windows, and closes a window with a record-less final before the next one starts', async () => {
    clock = 5000;
    planner.push([record(1, 1000), record(2, 1500), record(3, 2100)]);
    const first = dispatch();
    expect(seqs(first)).toEqual(['1', '2']);
    expect(first!.window).toMatchObject({ startMs: 0, endMs: 2000, isFinal: false, terminatedEarly: false });
    await first!.finish();
    expect(planner.checkpointAfter(first!.window, succeeded, '2')).toBeUndefined(); // held until the final

    const final = dispatch();
    expect(final!.batch).toEqual([]);
    expect(final!.window).toMatchObject({ startMs: 0, endMs: 2000, isFinal: true, terminatedEarly: false });
    expect(final!.window.first?.sequenceNumber).toBe('1');
    expect(final!.window.last?.sequenceNumber).toBe('2');
    await final!.finish();
    expect(planner.checkpointAfter(final!.window, succeeded, undefined)).toBe('2');

    const next = dispatch();
    expect(seqs(next)).toEqual(['3']);
    expect(next!.window).toMatchObject({ startMs: 2000, endMs: 4000, isFinal: false });
  });

  it('ends a window by the clock only once a read that began after its end reached the shard tip', async () => {
    clock = 100;
    planner.push([record(1, 100)]);
    const batch = dispatch();
    await batch!.finish();
    planner.checkpointAfter(batch!.window, succeeded, '1');
    clock = 2500;
    expect(dispatch()).toBeUndefined();
    planner.observeRead(1900, true); // began before the end: a record of the window may still come
    expect(dispatch()).toBeUndefined();
    planner.observeRead(2100, false); // after the end, but still behind the tip
    expect(dispatch()).toBeUndefined();
    planner.observeRead(2200, true);
    expect(dispatch()?.window).toMatchObject({ startMs: 0, endMs: 2000, isFinal: true });
  });

  it('closes the window when the shard ends, and counts the owed final as work in flight', async () => {
    clock = 100;
    planner.push([record(1, 100)]);
    const batch = dispatch();
    await batch!.finish();
    expect(planner.inFlightCount).toBe(1); // the shard may not be checkpointed at SHARD_END yet
    const final = dispatch(true);
    expect(final?.window).toMatchObject({ isFinal: true, terminatedEarly: false });
    await final!.finish();
    planner.checkpointAfter(final!.window, succeeded, undefined);
    expect(planner.inFlightCount).toBe(0);
  });

  it('ends a window early when the state passed the cap, then goes on in the same window with a fresh segment', async () => {
    clock = 5000;
    planner.push([record(1, 100), record(2, 200)]);
    const first = dispatch();
    expect(seqs(first)).toEqual(['1', '2']);
    await first!.finish();
    expect(planner.checkpointAfter(first!.window, { ...succeeded, window: { terminatedEarly: true } }, '2')).toBeUndefined();
    planner.push([record(3, 300)]);

    const early = dispatch();
    expect(early!.window).toMatchObject({ startMs: 0, endMs: 2000, isFinal: true, terminatedEarly: true });
    await early!.finish();
    expect(planner.checkpointAfter(early!.window, succeeded, undefined)).toBe('2');

    const more = dispatch();
    expect(seqs(more)).toEqual(['3']);
    expect(more!.window).toMatchObject({ startMs: 0, endMs: 2000, isFinal: false });
    await more!.finish();
    planner.checkpointAfter(more!.window, succeeded, '3');
    planner.observeRead(4000, true);
    const final = dispatch();
    expect(final!.window).toMatchObject({ startMs: 0, isFinal: true, terminatedEarly: false, first: record(3, 300) });
  });

  it('puts a record stamped before the open window into the open window, never reopening a closed one', async () => {
    clock = 5000;
    planner.push([record(1, 2100)]);
    const batch = dispatch();
    expect(batch!.window.startMs).toBe(2000);
    planner.push([record(2, 1999)]);
    await batch!.finish();
    planner.checkpointAfter(batch!.window, succeeded, '1');
    const late = dispatch();
    expect(seqs(late)).toEqual(['2']);
    expect(late!.window.startMs).toBe(2000);
  });

  it('waits for MaximumBatchingWindowInSeconds within a window, and wakes the poller at the window end', () => {
    clock = 500;
    planner.push([record(1, 500)]);
    let started = false;
    planner.dispatchReady({ ...limits, windowMs: 10_000 }, false, async () => void (started = true));
    expect(started).toBe(false);
    expect(planner.msUntilNextWindow(10_000)).toBe(1500); // the window ends at 2000, before the batching window
  });
});

describe('TumblingWindowPlanner with filtered-out records', () => {
  it('holds a checkpoint past filtered records while the open window owes its final, and passes it otherwise', async () => {
    clock = 100;
    expect(planner.holdCheckpoint('1')).toBe('1'); // no window open: consumed records checkpoint at once
    planner.push([record(2, 100)]);
    const batch = dispatch();
    await batch!.finish();
    planner.checkpointAfter(batch!.window, succeeded, '2');
    expect(planner.holdCheckpoint('3')).toBeUndefined(); // record 3 was filtered out, inside the window
    const final = dispatch(true);
    await final!.finish();
    expect(planner.checkpointAfter(final!.window, succeeded, undefined)).toBe('3');
  });
});
