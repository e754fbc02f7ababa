import { describe, expect, it } from 'vitest';
import { createSluiceMetrics, type StreamMapping } from '@sluice/shared';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import { waitFor } from '../../../../helpers/wait-for.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeDispatcher } from '../fakes/fake-dispatcher.js';
import { FakeLeaseStore } from '../fakes/fake-leases.js';
import { testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';
import { FakeShard, FakeSource } from '../fakes/fake-stream.js';

// Lambda: "If none of your filters are satisfied, Lambda discards the record"; the stream iterator
// advances past it; filters apply per record while a batch is assembled, so BatchSize counts
// delivered records. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html

const mappingBase = buildEventSourceMapping({ uuid: 'mapping-f', batchSize: 5, filterPatterns: ['{"data":{"type":["buy"]}}'] });

/** Appends Kinesis-shaped records whose data is `{"type": type(i)}`. */
function appendOrders(shard: FakeShard, count: number, type: (i: number) => string): void {
  for (let i = 0; i < count; i += 1) {
    const seq = String(1000 + shard.records.length);
    const data = Buffer.from(JSON.stringify({ type: type(i), i })).toString('base64');
    shard.records.push({ sequenceNumber: seq, partitionKey: 'k', approximateArrivalMs: Date.now(), sizeBytes: 80, lambdaRecord: { kinesis: { partitionKey: 'k', sequenceNumber: seq, data } } });
  }
}

function setup(over: Partial<StreamMapping> = {}) {
  const shard = new FakeShard();
  const leases = new FakeLeaseStore();
  const dispatcher = new FakeDispatcher();
  const state = { mapping: { ...mappingBase, ...over } };
  const metrics = createSluiceMetrics();
  const poller = new ShardPoller(testShardPollerDeps({ leases, source: new FakeSource(new Map([['shard-0', shard]])), dispatcher, mapping: () => state.mapping, metrics }));
  const delivered = () => dispatcher.jobs.flatMap((j) => j.records.map((r) => (r as { kinesis: { sequenceNumber: string } }).kinesis.sequenceNumber));
  /** sluice_records_filtered_total for this mapping, read from the real prom-client registry. */
  const filteredCount = async () => (await metrics.recordsFiltered.get()).values.find((v) => v.labels.mapping === mappingBase.uuid)?.value ?? 0;
  return { shard, leases, dispatcher, poller, delivered, state, metrics, filteredCount };
}

describe('ShardPoller with FilterCriteria', () => {
  it('delivers only matching records, BatchSize counting delivered ones, and checkpoints past the rest', async () => {
    const { shard, poller, dispatcher, leases, delivered, filteredCount, metrics } = setup();
    appendOrders(shard, 30, (i) => (i % 3 === 0 ? 'buy' : 'sell'));
    shard.closed = true;

    expect(await poller.start()).toBe('shard-ended');

    // The 20 "sell" records are counted as filtered out, per mapping, and exported on /metrics.
    expect(await filteredCount()).toBe(20);
    expect(await metrics.registry.metrics()).toContain('sluice_records_filtered_total{mapping="mapping-f"} 20');

    expect(delivered()).toEqual(Array.from({ length: 10 }, (_, k) => String(1000 + 3 * k)));
    expect(dispatcher.jobs.map((j) => j.records.length)).toEqual([5, 5]);
    // The last record (1029, a "sell") is consumed too: the checkpoint reaches it before SHARD_END.
    expect(leases.checkpoints.slice(-2)).toEqual(['1029', 'SHARD_END']);
  });

  it('a read with no match invokes nothing and still moves the checkpoint past it', async () => {
    const { shard, poller, dispatcher, leases } = setup();
    appendOrders(shard, 20, () => 'sell');

    const running = poller.start();
    await waitFor(() => leases.checkpoints.at(-1) === '1019', { message: () => `checkpoints: ${leases.checkpoints.join(',')}` });
    await poller.stop();
    await running;

    expect(dispatcher.jobs).toEqual([]);
  });

  it('never counts a filtered record as a failure: records after it keep flowing', async () => {
    const { shard, poller, delivered } = setup({ batchSize: 1 });
    appendOrders(shard, 6, (i) => (i === 0 || i === 5 ? 'buy' : 'not json?'));
    shard.closed = true;
    await poller.start();
    expect(delivered()).toEqual(['1000', '1005']);
  });

  it('an UpdateEventSourceMapping that changes FilterCriteria applies to the next records read', async () => {
    const { shard, poller, leases, delivered, state } = setup();
    appendOrders(shard, 4, (i) => (i < 2 ? 'buy' : 'sell'));
    const running = poller.start();
    await waitFor(() => leases.checkpoints.at(-1) === '1003');

    state.mapping = { ...state.mapping, filterPatterns: ['{"data":{"type":["sell"]}}'], version: 2 };
    appendOrders(shard, 4, (i) => (i < 2 ? 'buy' : 'sell'));
    shard.closed = true;

    expect(await running).toBe('shard-ended');
    expect(delivered()).toEqual(['1000', '1001', '1006', '1007']);
  });

  it('without FilterCriteria every record is delivered', async () => {
    const { shard, poller, delivered, filteredCount } = setup({ filterPatterns: undefined });
    appendOrders(shard, 7, () => 'sell');
    shard.closed = true;
    await poller.start();
    expect(delivered()).toHaveLength(7);
    expect(await filteredCount()).toBe(0);
  });
});
