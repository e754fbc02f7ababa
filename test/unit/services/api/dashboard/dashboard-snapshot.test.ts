import { describe, expect, it } from 'vitest';
import { createSluiceMetrics, type EventSourceMapping, type LeaseView, type ListMappingsQuery, type MappingPage } from '@sluice/shared';
import { DASHBOARD_MAX_MAPPINGS, buildDashboardSnapshot } from '../../../../../services/api/src/dashboard/dashboard-snapshot.js';

// The dashboard's live JSON from a fake mapping registry and lease reading (their Redis sides are
// tested in integration/shared and e2e) and a real prom-client registry.
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:jobs';
const NOW = 1_800_000_000_000;

const common = {
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
  functionName: 'fn',
  state: 'Enabled',
  stateTransitionReason: 'USER_INITIATED',
  lastProcessingResult: 'OK',
  lastModified: NOW - 1000,
  enabled: true,
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  functionResponseTypes: [],
  version: 1,
} as const;

const streamMapping = (uuid: string): EventSourceMapping => ({
  ...common,
  uuid,
  eventSourceArn: STREAM_ARN,
  sourceModel: 'stream',
  sourceKind: 'kinesis',
  parallelizationFactor: 1,
  startingPosition: 'TRIM_HORIZON',
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  tumblingWindowInSeconds: 0,
});
const queueMapping = (uuid: string): EventSourceMapping => ({ ...common, uuid, eventSourceArn: QUEUE_ARN, sourceModel: 'queue', sourceKind: 'sqs', batchSize: 10 });

function registry(all: readonly EventSourceMapping[]) {
  const queries: ListMappingsQuery[] = [];
  return {
    queries,
    list: async (query: ListMappingsQuery): Promise<MappingPage> => {
      queries.push(query);
      const start = query.marker === undefined ? 0 : Number(query.marker);
      const end = start + query.limit;
      return { mappings: all.slice(start, end), ...(end < all.length ? { nextMarker: String(end) } : {}) };
    },
  };
}

const lease = (over: Partial<LeaseView>): LeaseView => ({
  streamIdentity: `${STREAM_ARN}@1700000000000`,
  shardId: 'shardId-000000000000',
  parentShardIds: [],
  owner: undefined,
  expiresAtMs: 0,
  checkpoint: undefined,
  ...over,
});

describe('buildDashboardSnapshot', () => {
  it("shows the current incarnation's shards with lease, checkpoint, and this process's figures for the shards held here", async () => {
    const metrics = createSluiceMetrics();
    const labels = (shard: string) => ({ mapping: 'm-stream', shard });
    metrics.iteratorAgeMs.set(labels('shardId-000000000000'), 1200);
    metrics.millisBehindLatest.set(labels('shardId-000000000000'), 0);
    metrics.recordsRead.inc(labels('shardId-000000000000'), 42);
    // Left from when this process held shard 1; another process holds it now.
    metrics.iteratorAgeMs.set(labels('shardId-000000000001'), 99_999);
    metrics.batches.inc({ mapping: 'm-stream', outcome: 'succeeded' }, 5);
    metrics.batches.inc({ mapping: 'm-stream', outcome: 'discarded' }, 1);
    metrics.retries.inc({ mapping: 'm-stream', reason: 'function_error' }, 2);
    metrics.retries.inc({ mapping: 'm-stream', reason: 'transport_error' }, 1);
    metrics.deadLetters.inc({ mapping: 'm-stream', outcome: 'parked' });
    metrics.deadLetters.inc({ mapping: 'm-stream', outcome: 'replayed' });
    const current = `${STREAM_ARN}@1800000000000`;
    const leases = [
      // The stream's previous incarnation: its leases stay, never renewed.
      lease({ owner: 'here', expiresAtMs: NOW - 3_600_000, checkpoint: '7' }),
      lease({ streamIdentity: current, owner: 'here', expiresAtMs: NOW + 8000, checkpoint: '123' }),
      lease({ streamIdentity: current, shardId: 'shardId-000000000001', owner: 'elsewhere', expiresAtMs: NOW + 5000 }),
      lease({ streamIdentity: current, shardId: 'shardId-000000000002', parentShardIds: ['shardId-000000000000'], owner: 'gone', expiresAtMs: NOW - 1 }),
      lease({ streamIdentity: current, shardId: 'shardId-000000000003' }),
      lease({ streamIdentity: current, shardId: 'shardId-000000000004', owner: 'here', expiresAtMs: NOW + 9000, checkpoint: 'SHARD_END' }),
    ];
    const asked: string[][] = [];
    const snapshot = await buildDashboardSnapshot({
      mappings: registry([streamMapping('m-stream'), queueMapping('m-queue')]),
      leases: { read: async (ids) => (asked.push([...ids]), { nowMs: NOW, byMapping: new Map([['m-stream', leases]]) }) },
      metrics,
      localPollerId: 'here',
      now: () => NOW + 3,
    });

    expect(asked).toEqual([['m-stream']]);
    expect(snapshot).toMatchObject({ Time: NOW + 3, Metrics: 'this-process' });
    expect(snapshot.Truncated).toBeUndefined();
    const [stream] = snapshot.Mappings;
    expect(stream).toMatchObject({
      UUID: 'm-stream',
      State: 'Enabled',
      SourceKind: 'kinesis',
      SourceModel: 'stream',
      SourceName: 'orders',
      EventSourceArn: STREAM_ARN,
      FunctionName: 'fn',
      LastProcessingResult: 'OK',
      Counters: { BatchesSucceeded: 5, BatchesDiscarded: 1, Retries: 3, RecordsFiltered: 0, DeadLettersParked: 1 },
    });
    expect(stream!.Stream).toEqual({
      StreamIdentity: current,
      OlderIncarnationLeases: 1,
      Shards: [
        {
          ShardId: 'shardId-000000000000',
          ParentShardIds: [],
          Lease: 'held',
          Owner: 'here',
          LeaseExpiresInMs: 8000,
          Checkpoint: '123',
          HeldHere: true,
          IteratorAgeMs: 1200,
          MillisBehindLatest: 0,
          RecordsRead: 42,
        },
        { ShardId: 'shardId-000000000001', ParentShardIds: [], Lease: 'held', Owner: 'elsewhere', LeaseExpiresInMs: 5000, HeldHere: false },
        { ShardId: 'shardId-000000000002', ParentShardIds: ['shardId-000000000000'], Lease: 'expired', Owner: 'gone', HeldHere: false },
        { ShardId: 'shardId-000000000003', ParentShardIds: [], Lease: 'free', HeldHere: false },
        { ShardId: 'shardId-000000000004', ParentShardIds: [], Lease: 'ended', Owner: 'here', Checkpoint: 'SHARD_END', HeldHere: false },
      ],
    });
  });

  it("gives a queue mapping this process's pollers, messages in flight, backlog and message counters", async () => {
    const metrics = createSluiceMetrics();
    metrics.queuePollers.set({ mapping: 'm-queue' }, 5);
    metrics.queueMessagesInFlight.set({ mapping: 'm-queue' }, 30);
    metrics.queueMessagesReceived.inc({ mapping: 'm-queue' }, 100);
    metrics.queueMessagesDeleted.inc({ mapping: 'm-queue' }, 60);
    metrics.queueMessagesFailed.inc({ mapping: 'm-queue' }, 10);
    metrics.queueMessagesReceived.inc({ mapping: 'other' }, 7);
    const snapshot = await buildDashboardSnapshot({
      mappings: registry([queueMapping('m-queue')]),
      leases: { read: async () => ({ nowMs: NOW, byMapping: new Map() }) },
      metrics,
      localPollerId: 'here',
    });
    expect(snapshot.Mappings[0]).toMatchObject({ SourceModel: 'queue', SourceName: 'jobs', BatchSize: 10 });
    expect(snapshot.Mappings[0]!.Queue).toEqual({ Pollers: 5, InFlight: 30, Backlog: null, Received: 100, Deleted: 60, Failed: 10 });
    metrics.queueBacklog.set({ mapping: 'm-queue' }, 250);
    const again = await buildDashboardSnapshot({
      mappings: registry([queueMapping('m-queue')]),
      leases: { read: async () => ({ nowMs: NOW, byMapping: new Map() }) },
      metrics,
      localPollerId: 'here',
    });
    expect(again.Mappings[0]!.Queue).toMatchObject({ Backlog: 250 });
  });

  it('without a poller in this process shows leases and checkpoints but no figures (they live in the poller processes)', async () => {
    const metrics = createSluiceMetrics();
    metrics.iteratorAgeMs.set({ mapping: 'm-stream', shard: 'shardId-000000000000' }, 5);
    const snapshot = await buildDashboardSnapshot({
      mappings: registry([streamMapping('m-stream'), queueMapping('m-queue')]),
      leases: { read: async () => ({ nowMs: NOW, byMapping: new Map([['m-stream', [lease({ owner: 'poller-1', expiresAtMs: NOW + 1, checkpoint: '9' })]]]) }) },
      metrics,
    });
    expect(snapshot.Metrics).toBe('absent');
    const [stream, queue] = snapshot.Mappings;
    expect(stream!.Counters).toBeUndefined();
    expect(stream!.Stream!.Shards).toEqual([{ ShardId: 'shardId-000000000000', ParentShardIds: [], Lease: 'held', Owner: 'poller-1', LeaseExpiresInMs: 1, Checkpoint: '9', HeldHere: false }]);
    expect(queue!.Queue).toBeUndefined();
    expect(queue!.Counters).toBeUndefined();
  });

  it('reads the registry page by page up to its cap, and says when there are more', async () => {
    const all = Array.from({ length: DASHBOARD_MAX_MAPPINGS + 1 }, (_, i) => queueMapping(`m-${i}`));
    const mappings = registry(all);
    const snapshot = await buildDashboardSnapshot({ mappings, leases: { read: async () => ({ nowMs: NOW, byMapping: new Map() }) }, metrics: createSluiceMetrics() });
    expect(snapshot.Mappings).toHaveLength(DASHBOARD_MAX_MAPPINGS);
    expect(snapshot.Truncated).toBe(true);
    expect(mappings.queries.map((q) => q.limit)).toEqual([100, 100, 100, 100, 100]);
    const few = await buildDashboardSnapshot({ mappings: registry(all.slice(0, 3)), leases: { read: async () => ({ nowMs: NOW, byMapping: new Map() }) }, metrics: createSluiceMetrics() });
    expect(few.Mappings.map((m) => m.UUID)).toEqual(['m-0', 'm-1', 'm-2']);
    expect(few.Truncated).toBeUndefined();
  });
});
