import { describe, expect, it } from 'vitest';
import type { StreamMapping, StreamBatchJob } from '@sluice/shared';
import type { DispatchResult } from '../../../../../services/poller/src/dispatch/dispatcher.js';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeDispatcher } from '../fakes/fake-dispatcher.js';
import { FakeLeaseStore } from '../fakes/fake-leases.js';
import { FakeShard, FakeSource } from '../fakes/fake-stream.js';
import { expectPerKeyOrder, testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';

// Issue #3: ParallelizationFactor applies live, and records of one partition key stay in order.
// A change re-lanes the shard (planner-switch.ts): the old lanes' batches in flight finish, then the
// buffered records go to the new lanes in read order, so no key is ever in two lanes at once.
// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization

/** A FakeDispatcher that also logs when each job starts and ends, as one sequence of events. */
class EventLoggingDispatcher extends FakeDispatcher {
  readonly events: { kind: 'start' | 'end'; job: StreamBatchJob }[] = [];

  override async dispatch(job: StreamBatchJob): Promise<DispatchResult> {
    this.events.push({ kind: 'start', job });
    const result = await super.dispatch(job);
    this.events.push({ kind: 'end', job });
    return result;
  }
}

const KEYS = 5;
const keyOf = (i: number) => `key-${i % KEYS}`;

function setup(over: Partial<StreamMapping>) {
  const shard = new FakeShard();
  const leases = new FakeLeaseStore();
  const dispatcher = new EventLoggingDispatcher();
  const state = { mapping: buildEventSourceMapping({ uuid: 'mapping-pf', batchSize: 3, ...over }) };
  const poller = new ShardPoller(testShardPollerDeps({ leases, source: new FakeSource(new Map([['shard-0', shard]])), dispatcher, mapping: () => state.mapping }));
  const update = (parallelizationFactor: number) => (state.mapping = { ...state.mapping, parallelizationFactor, version: state.mapping.version + 1 });
  return { shard, leases, dispatcher, poller, update };
}

const seqs = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

/** Every record delivered once, and each key's jobs one after another: the next starts after the last ended, records ascending. */
function expectOncePerRecordAndKeyOrder(dispatcher: EventLoggingDispatcher, total: number): void {
  const delivered = dispatcher.jobs.flatMap((j) => j.records.map((r) => String(r.seq)));
  expect([...delivered].sort()).toEqual(seqs(1000, total));
  expectPerKeyOrder(dispatcher.events, keyOf);
}

/** Checkpoints only move forward and end at the last record, then SHARD_END. */
function expectForwardCheckpoints(checkpoints: readonly string[], lastSeq: string): void {
  expect(checkpoints.at(-1)).toBe('SHARD_END');
  expect(checkpoints.at(-2)).toBe(lastSeq);
  const numeric = checkpoints.slice(0, -1).map(Number);
  expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
  expect(new Set(numeric).size).toBe(numeric.length);
}

describe('ShardPoller with a live change of ParallelizationFactor', () => {
  it('1 -> 4 while a batch is in flight: it finishes first, the buffered records are re-laned in order, then up to 4 lanes run', async () => {
    const { shard, leases, dispatcher, poller, update } = setup({ parallelizationFactor: 1 });
    dispatcher.delayMs = 100;
    shard.append(12, keyOf);
    const running = poller.start();
    await waitFor(() => dispatcher.inFlight === 1, { intervalMs: 5, message: 'first batch never dispatched' });

    update(4); // 1000-1002 in flight in lane 0, 1003-1011 buffered in lane 0
    shard.append(12, keyOf);
    shard.closed = true;
    expect(await running).toBe('shard-ended');

    expectOncePerRecordAndKeyOrder(dispatcher, 24);
    // The lane-0 batch in flight at the change ended before any batch of the new lanes began.
    const firstEnd = dispatcher.events.findIndex((e) => e.kind === 'end');
    expect(dispatcher.events[firstEnd]!.job.firstSequenceNumber).toBe('1000');
    expect(dispatcher.events.slice(0, firstEnd).filter((e) => e.kind === 'start')).toHaveLength(1);
    // The new factor took effect: more than one lane, several batches at once.
    expect(new Set(dispatcher.jobs.map((j) => j.lane)).size).toBeGreaterThan(1);
    expect(dispatcher.maxInFlight).toBeGreaterThan(1);
    expect(dispatcher.maxInFlight).toBeLessThanOrEqual(4);
    expectForwardCheckpoints(leases.checkpoints, '1023');
  });

  it('4 -> 1 while batches of several lanes are in flight: they all finish, then one lane carries everything in read order', async () => {
    const { shard, leases, dispatcher, poller, update } = setup({ parallelizationFactor: 4 });
    dispatcher.delayMs = 100;
    shard.append(24, keyOf);
    const running = poller.start();
    await waitFor(() => dispatcher.inFlight >= 2, { intervalMs: 5, message: 'never two batches in flight' });
    const startedBeforeChange = dispatcher.jobs.length;

    update(1);
    shard.append(12, keyOf);
    shard.closed = true;
    expect(await running).toBe('shard-ended');

    expectOncePerRecordAndKeyOrder(dispatcher, 36);
    // After the change: one lane, one batch at a time, the rest of the shard in read order.
    const afterChange = dispatcher.jobs.slice(startedBeforeChange);
    expect(afterChange.length).toBeGreaterThan(0);
    expect(afterChange.every((j) => j.lane === 0)).toBe(true);
    const rest = afterChange.flatMap((j) => j.records.map((r) => Number(r.seq)));
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
    const firstAfter = dispatcher.events.findIndex((e) => e.kind === 'start' && e.job === afterChange[0]);
    const oldEnds = dispatcher.events.slice(0, firstAfter).filter((e) => e.kind === 'end');
    expect(oldEnds).toHaveLength(startedBeforeChange); // every old-lane batch ended before the first new one
    let inFlight = 0;
    for (const event of dispatcher.events.slice(firstAfter)) {
      inFlight += event.kind === 'start' ? 1 : -1;
      expect(inFlight).toBeLessThanOrEqual(1);
    }
    expectForwardCheckpoints(leases.checkpoints, '1035');
  });
});
