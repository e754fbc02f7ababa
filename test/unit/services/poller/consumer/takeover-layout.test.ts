import { describe, expect, it } from 'vitest';
import { streamBatchJobId, type StreamMapping } from '@sluice/shared';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import type { ShardLayout, ShardLease } from '../../../../../services/poller/src/leases/shard-lease.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeLeaseStore, fakeLease } from '../fakes/fake-leases.js';
import { SharedQueue } from '../fakes/shared-queue.js';
import { FakeShard, FakeSource } from '../fakes/fake-stream.js';
import { expectPerKeyOrder, testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';

// Issue #3: a shard taken over after a ParallelizationFactor change. Job ids name the lane, so the new
// owner starts under the layout the old owner recorded, re-cuts the same batches from the checkpoint,
// awaits the old owner's jobs in flight under their ids, and only then moves to the new factor.
// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization

const KEYS = 5;
const keyOf = (i: number) => `key-${i % KEYS}`;

function owner(name: string, lease: ShardLease, source: FakeSource, queue: SharedQueue, mapping: () => StreamMapping) {
  const leases = new FakeLeaseStore();
  const poller = new ShardPoller(testShardPollerDeps({ lease: { ...lease, owner: name, token: `${name}-token` }, leases, source, dispatcher: queue.dispatcher(), mapping }));
  return { poller, leases };
}

describe('ShardPoller taking over a shard after a ParallelizationFactor change', () => {
  it('1 -> 4, then the lease moves: the new owner awaits the old owner’s job in flight (no duplicate), keeps key order, delivers every record once, then runs 4 lanes', async () => {
    // Arrange: owner A reads under factor 1; its first batch (1000-1002) stays in flight.
    const shard = new FakeShard();
    const source = new FakeSource(new Map([['shard-0', shard]]));
    const queue = new SharedQueue();
    queue.held.add('1000');
    const state = { mapping: buildEventSourceMapping({ uuid: 'mapping-takeover', batchSize: 3, parallelizationFactor: 1 }) };
    shard.append(12, keyOf);
    const a = owner('a', fakeLease('shard-0'), source, queue, () => state.mapping);
    const runningA = a.poller.start();
    await waitFor(() => queue.added.length === 1, { intervalMs: 5, message: 'owner A never dispatched' });

    // Act: the factor changes to 4 and A loses the lease with its batch still in flight.
    state.mapping = { ...state.mapping, parallelizationFactor: 4, version: state.mapping.version + 1 };
    a.leases.lost = true;
    expect(await a.poller.stop('lease-lost')).toBe('lease-lost');
    const recorded: ShardLayout | undefined = a.leases.layouts.at(-1);
    expect(recorded).toEqual({ tumblingWindowInSeconds: 0, parallelizationFactor: 1 });
    await runningA;

    shard.append(12, keyOf);
    const b = owner('b', { ...fakeLease('shard-0', a.leases.checkpoints.at(-1)), layout: recorded }, source, queue, () => state.mapping);
    const runningB = b.poller.start();
    const aJobId = streamBatchJobId(queue.added[0]!);
    await waitFor(() => queue.dispatchedIds.filter((id) => id === aJobId).length === 2, { intervalMs: 5, timeoutMs: 5000, message: 'owner B never awaited A’s job' });
    queue.release('1000');
    // B reads to the tip, cuts what it read under factor 1, then switches (and records 4) and reads on.
    await waitFor(() => b.leases.layouts.at(-1)?.parallelizationFactor === 4, { intervalMs: 5, timeoutMs: 5000, message: 'owner B never switched to factor 4' });
    shard.append(12, keyOf);
    shard.closed = true;
    expect(await runningB).toBe('shard-ended');

    // Assert: every job id was added once, and every record was in exactly one job.
    const ids = queue.added.map((job) => streamBatchJobId(job));
    expect(new Set(ids).size).toBe(ids.length);
    const delivered = queue.added.flatMap((job) => job.records.map((r) => Number(r.seq)));
    expect([...delivered].sort((x, y) => x - y)).toEqual(Array.from({ length: 36 }, (_, i) => 1000 + i));
    // Nothing started while A's job was in flight, and per key each job started after the previous one ended.
    const firstEnd = queue.events.findIndex((e) => e.kind === 'end');
    expect(queue.events[firstEnd]!.job.firstSequenceNumber).toBe('1000');
    expect(queue.events.slice(0, firstEnd).filter((e) => e.kind === 'start')).toHaveLength(1);
    expectPerKeyOrder(queue.events, keyOf);
    // B moved to the new factor (and recorded it) once the old layout was done.
    expect(new Set(queue.added.map((job) => job.lane)).size).toBeGreaterThan(1);
    expect(b.leases.layouts.at(-1)).toEqual({ tumblingWindowInSeconds: 0, parallelizationFactor: 4 });
    expect(b.leases.checkpoints.at(-1)).toBe('SHARD_END');
  }, 20_000);
});
