import { describe, expect, it } from 'vitest';
import { ErrorCode, type StreamMapping } from '@sluice/shared';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeDispatcher } from '../fakes/fake-dispatcher.js';
import { FakeLeaseStore, fakeLease } from '../fakes/fake-leases.js';
import { testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';
import { FakeShard, FakeSource, fault } from '../fakes/fake-stream.js';

const baseMapping = buildEventSourceMapping();

function setup(over: Partial<StreamMapping> = {}, checkpoint?: string) {
  const shard = new FakeShard();
  const source = new FakeSource(new Map([['shard-0', shard]]));
  const leases = new FakeLeaseStore();
  const dispatcher = new FakeDispatcher();
  const results: string[] = [];
  const mapping = { ...baseMapping, ...over };
  const poller = new ShardPoller(
    testShardPollerDeps({ lease: fakeLease('shard-0', checkpoint), leases, source, dispatcher, mapping: () => mapping, reportResult: (r) => results.push(r) }),
  );
  const delivered = () => dispatcher.jobs.flatMap((j) => j.records.map((r) => String(r.seq)));
  return { shard, source, leases, dispatcher, results, poller, delivered };
}

const seqs = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe('ShardPoller', () => {
  it('delivers a closed shard in order in batches of BatchSize, then checkpoints SHARD_END', async () => {
    const { shard, poller, dispatcher, leases, delivered, results } = setup();
    shard.append(35);
    shard.closed = true;
    expect(await poller.start()).toBe('shard-ended');
    expect(delivered()).toEqual(seqs(1000, 35));
    expect(dispatcher.jobs.map((j) => j.records.length)).toEqual([10, 10, 10, 5]);
    expect(dispatcher.maxInFlight).toBe(1);
    expect(leases.checkpoints).toEqual(['1009', '1019', '1029', '1034', 'SHARD_END']);
    expect(dispatcher.jobs[1]).toMatchObject({ firstSequenceNumber: '1010', lastSequenceNumber: '1019', lane: 0, shardId: 'shard-0' });
    expect(results.at(-1)).toBe('OK');
  });

  it('resumes just after its checkpoint', async () => {
    const { shard, poller, source, delivered } = setup({}, '1019');
    shard.append(25);
    shard.closed = true;
    await poller.start();
    expect(source.opened[0]).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '1019' });
    expect(delivered()).toEqual(seqs(1020, 5));
  });

  it('keeps order per partition key across parallel lanes and checkpoints the completed prefix', async () => {
    const { shard, poller, dispatcher, leases } = setup({ parallelizationFactor: 4, batchSize: 5 });
    dispatcher.delayMs = 5;
    shard.append(200, (i) => `key-${i % 13}`);
    shard.closed = true;
    await poller.start();
    expect(dispatcher.maxInFlight).toBeGreaterThan(1);
    expect(dispatcher.maxInFlight).toBeLessThanOrEqual(4);
    const byKey = new Map<string, number[]>();
    for (const job of dispatcher.jobs) {
      for (const r of job.records) {
        const key = `key-${(Number(r.seq) - 1000) % 13}`;
        byKey.set(key, [...(byKey.get(key) ?? []), Number(r.seq)]);
      }
    }
    for (const list of byKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    expect([...byKey.values()].flat()).toHaveLength(200);
    expect(leases.checkpoints.at(-1)).toBe('SHARD_END');
    const numeric = leases.checkpoints.slice(0, -1).map(Number);
    expect(numeric).toEqual([...numeric].sort((a, b) => a - b));
  });

  it('puts back the records a job found under the same id did not cover (takeover)', async () => {
    const { shard, poller, dispatcher, delivered } = setup();
    let first = true;
    dispatcher.cover = (job) => {
      if (!first) return job.lastSequenceNumber;
      first = false;
      return String(Number(job.firstSequenceNumber) + 3);
    };
    shard.append(10);
    shard.closed = true;
    await poller.start();
    expect(delivered()).toEqual([...seqs(1000, 10), ...seqs(1004, 6)]);
    expect(dispatcher.jobs[1]!.firstSequenceNumber).toBe('1004');
  });

  it('stops checkpointing once its lease is lost', async () => {
    const { shard, poller, leases } = setup();
    leases.lost = true;
    shard.append(5);
    expect(await poller.start()).toBe('lease-lost');
    expect(leases.checkpoints).toEqual([]);
  });

  it('backs off on injected throttling and transient faults without losing records', async () => {
    const { shard, poller, delivered } = setup();
    shard.faults.push(fault(ErrorCode.SourceThrottled), fault(ErrorCode.SourceTransient), fault(ErrorCode.SourceThrottled));
    shard.append(12);
    shard.closed = true;
    await poller.start();
    expect(delivered()).toEqual(seqs(1000, 12));
  });

  it('reopens after the last record read when an injected expired iterator escapes the reader', async () => {
    const { shard, poller, source, delivered } = setup({ batchSize: 100 });
    shard.append(5);
    const run = poller.start();
    await new Promise((r) => setTimeout(r, 30));
    shard.faults.push(fault(ErrorCode.IteratorExpired));
    shard.append(5);
    shard.closed = true;
    await run;
    expect(source.opened.at(-1)).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '1004' });
    expect(delivered()).toEqual(seqs(1000, 10));
  });

  it('reports injected trimmed data and continues at TRIM_HORIZON', async () => {
    const { shard, poller, source, results } = setup();
    shard.faults.push(fault(ErrorCode.SourceTrimmed));
    shard.append(3);
    shard.closed = true;
    await poller.start();
    expect(source.opened.at(-1)).toEqual({ type: 'TRIM_HORIZON' });
    expect(results).toContain('PROBLEM: Records were trimmed from the stream before they were processed');
  });

  it('ends as source-gone when an injected SourceNotFound refuses the shard, and reports it', async () => {
    const { shard, poller, results } = setup();
    shard.openFaults.push(fault(ErrorCode.SourceNotFound));
    expect(await poller.start()).toBe('source-gone');
    expect(results).toEqual(['PROBLEM: Stream not found']);
  });

  it('opens at TRIM_HORIZON when an injected trim makes its checkpoint unreadable', async () => {
    const { shard, poller, source, delivered } = setup({}, '1002');
    shard.openFaults.push(fault(ErrorCode.SourceTrimmed), fault(ErrorCode.SourceTransient));
    shard.append(6);
    shard.closed = true;
    expect(await poller.start()).toBe('shard-ended');
    expect(source.opened).toEqual([
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '1002' },
      { type: 'TRIM_HORIZON' },
      { type: 'TRIM_HORIZON' },
    ]);
    expect(delivered()).toEqual(seqs(1000, 6));
  });

  it('waits for the batching window before invoking a partial batch', async () => {
    const { shard, poller, dispatcher } = setup({ batchSize: 100, maximumBatchingWindowInSeconds: 1 });
    shard.append(3);
    const started = Date.now();
    const run = poller.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(dispatcher.jobs).toHaveLength(0);
    shard.append(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(dispatcher.jobs).toHaveLength(1);
    expect(dispatcher.jobs[0]!.records).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await poller.stop();
    await run;
  });
});
