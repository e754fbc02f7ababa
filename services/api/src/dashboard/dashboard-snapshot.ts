import { SHARD_END, parseSourceArn, type EventSourceMapping, type LeaseReading, type LeaseView, type MappingStore, type SluiceMetrics } from '@sluice/shared';
import type { DashboardMapping, DashboardSnapshot, LeaseStatus, MappingCounters, QueueView, ShardView, StreamView } from './dashboard-wire.js';
import { readMetrics, type MetricReadings } from './metric-readings.js';

/** Where the dashboard's figures come from: the stores, and this process's own metrics. */
export interface DashboardSnapshotDeps {
  readonly mappings: Pick<MappingStore, 'list'>;
  readonly leases: { read(mappingIds: readonly string[]): Promise<LeaseReading> };
  readonly metrics: SluiceMetrics;
  /**
   * The worker id of the poller role running in this process, if one does: then this process's
   * metrics describe the shards that poller holds and every queue mapping's receive loops here.
   */
  readonly localPollerId?: string;
  readonly now?: () => number;
}

/** At most this many mappings are shown (in creation order), so one refresh stays one cheap read. */
export const DASHBOARD_MAX_MAPPINGS = 500;
const PAGE = 100;

/**
 * What the dashboard shows live, built from the mapping registry (one page read per 100
 * mappings), the shard leases of the stream mappings (two pipelined Redis round trips, see
 * RedisLeaseReader) and this process's prom-client registry (no Redis). Counters are cumulative:
 * the page turns them into rates between two snapshots, by their `Time`.
 */
export async function buildDashboardSnapshot(deps: DashboardSnapshotDeps): Promise<DashboardSnapshot> {
  const { mappings, truncated } = await listMappings(deps.mappings);
  const streamIds = mappings.filter((m) => m.sourceModel === 'stream').map((m) => m.uuid);
  const [leases, readings] = await Promise.all([deps.leases.read(streamIds), readMetrics(deps.metrics)]);
  const local = deps.localPollerId === undefined ? undefined : { pollerId: deps.localPollerId, readings };
  return {
    Time: (deps.now ?? Date.now)(),
    Metrics: local === undefined ? 'absent' : 'this-process',
    ...(truncated ? { Truncated: true as const } : {}),
    Mappings: mappings.map((mapping): DashboardMapping => ({
      ...mappingSummary(mapping),
      ...(local === undefined ? {} : { Counters: mappingCounters(readings, mapping.uuid) }),
      ...(mapping.sourceModel === 'stream'
        ? { Stream: streamView(mapping.uuid, leases.byMapping.get(mapping.uuid) ?? [], leases.nowMs, local) }
        : local === undefined
          ? {}
          : { Queue: queueView(readings, mapping.uuid) }),
    })),
  };
}

async function listMappings(store: Pick<MappingStore, 'list'>): Promise<{ mappings: EventSourceMapping[]; truncated: boolean }> {
  const mappings: EventSourceMapping[] = [];
  let marker: string | undefined;
  do {
    const page = await store.list({ limit: Math.min(PAGE, DASHBOARD_MAX_MAPPINGS - mappings.length), ...(marker === undefined ? {} : { marker }) });
    mappings.push(...page.mappings);
    marker = page.nextMarker;
  } while (marker !== undefined && mappings.length < DASHBOARD_MAX_MAPPINGS);
  return { mappings, truncated: marker !== undefined };
}

function mappingSummary(m: EventSourceMapping): Omit<DashboardMapping, 'Counters' | 'Stream' | 'Queue'> {
  return {
    UUID: m.uuid,
    State: m.state,
    StateTransitionReason: m.stateTransitionReason,
    SourceKind: m.sourceKind,
    SourceModel: m.sourceModel,
    SourceName: parseSourceArn(m.eventSourceArn)?.name ?? m.eventSourceArn,
    EventSourceArn: m.eventSourceArn,
    FunctionName: m.functionName,
    FunctionArn: m.functionArn,
    LastProcessingResult: m.lastProcessingResult,
    LastModified: m.lastModified,
    BatchSize: m.batchSize,
  };
}

function mappingCounters(readings: MetricReadings, uuid: string): MappingCounters {
  return {
    BatchesSucceeded: readings.ofMapping('batches', uuid, ['outcome', 'succeeded']) ?? 0,
    BatchesDiscarded: readings.ofMapping('batches', uuid, ['outcome', 'discarded']) ?? 0,
    Retries: readings.ofMapping('retries', uuid) ?? 0,
    RecordsFiltered: readings.ofMapping('recordsFiltered', uuid) ?? 0,
    DeadLettersParked: readings.ofMapping('deadLetters', uuid, ['outcome', 'parked']) ?? 0,
  };
}

function queueView(readings: MetricReadings, uuid: string): QueueView {
  return {
    Pollers: readings.ofMapping('queuePollers', uuid) ?? 0,
    InFlight: readings.ofMapping('queueMessagesInFlight', uuid) ?? 0,
    // Read once a minute by the queue runner; absent until its first read.
    Backlog: readings.ofMapping('queueBacklog', uuid) ?? null,
    Received: readings.ofMapping('queueMessagesReceived', uuid) ?? 0,
    Deleted: readings.ofMapping('queueMessagesDeleted', uuid) ?? 0,
    Failed: readings.ofMapping('queueMessagesFailed', uuid) ?? 0,
  };
}

/**
 * The shards of a stream mapping's current stream incarnation: the one whose lease was renewed
 * last (leases of a stream deleted and created again stay until the mapping goes, never renewed).
 */
function streamView(uuid: string, leases: readonly LeaseView[], nowMs: number, local: { pollerId: string; readings: MetricReadings } | undefined): StreamView {
  const current = currentIdentity(leases);
  const shards = leases.filter((l) => l.streamIdentity === current);
  return {
    ...(current === undefined ? {} : { StreamIdentity: current }),
    OlderIncarnationLeases: leases.length - shards.length,
    Shards: shards.map((lease): ShardView => {
      const status = leaseStatus(lease, nowMs);
      // A gauge keeps the value its poller last set: only a shard held here has current figures.
      const here = local !== undefined && status === 'held' && lease.owner === local.pollerId;
      return {
        ShardId: lease.shardId,
        ParentShardIds: lease.parentShardIds,
        Lease: status,
        ...(lease.owner === undefined ? {} : { Owner: lease.owner }),
        ...(status === 'held' ? { LeaseExpiresInMs: lease.expiresAtMs - nowMs } : {}),
        ...(lease.checkpoint === undefined ? {} : { Checkpoint: lease.checkpoint }),
        HeldHere: here,
        ...(here
          ? {
              IteratorAgeMs: local.readings.ofShard('iteratorAgeMs', uuid, lease.shardId) ?? null,
              MillisBehindLatest: local.readings.ofShard('millisBehindLatest', uuid, lease.shardId) ?? null,
              RecordsRead: local.readings.ofShard('recordsRead', uuid, lease.shardId) ?? 0,
            }
          : {}),
      };
    }),
  };
}

function currentIdentity(leases: readonly LeaseView[]): string | undefined {
  let best: LeaseView | undefined;
  for (const lease of leases) {
    if (best === undefined || lease.expiresAtMs > best.expiresAtMs || (lease.expiresAtMs === best.expiresAtMs && lease.streamIdentity > best.streamIdentity)) best = lease;
  }
  return best?.streamIdentity;
}

function leaseStatus(lease: LeaseView, nowMs: number): LeaseStatus {
  if (lease.checkpoint === SHARD_END) return 'ended';
  if (lease.owner === undefined) return 'free';
  return lease.expiresAtMs > nowMs ? 'held' : 'expired';
}
