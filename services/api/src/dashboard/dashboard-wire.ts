import type { MappingState, SourceKind, SourceModel } from '@sluice/shared';

/**
 * GET /sluice/v1/dashboard: what the dashboard shows live, in the API's PascalCase. The page
 * (services/api/dashboard-ui) is type-checked against these. Counters are cumulative since this
 * process started; the page turns them into rates between two snapshots, by `Time`.
 */
export interface DashboardSnapshot {
  /** The server's clock (epoch ms) when the snapshot was built. */
  readonly Time: number;
  /** `this-process`: a poller runs in this process and the figures are its own; `absent`: none here. */
  readonly Metrics: 'this-process' | 'absent';
  /** More mappings exist than the snapshot holds (DASHBOARD_MAX_MAPPINGS). */
  readonly Truncated?: true;
  readonly Mappings: readonly DashboardMapping[];
}

export interface DashboardMapping {
  readonly UUID: string;
  readonly State: MappingState;
  readonly StateTransitionReason: string;
  readonly SourceKind: SourceKind;
  readonly SourceModel: SourceModel;
  /** The stream, table or queue name. */
  readonly SourceName: string;
  readonly EventSourceArn: string;
  readonly FunctionName: string;
  readonly FunctionArn: string;
  readonly LastProcessingResult: string;
  /** Epoch ms. */
  readonly LastModified: number;
  readonly BatchSize: number;
  /** This process's counters for the mapping (batches and filtered records from its poller, retries and dead letters from its worker); absent without a poller here. */
  readonly Counters?: MappingCounters;
  /** Stream mappings. */
  readonly Stream?: StreamView;
  /** Queue mappings, when a poller runs here. */
  readonly Queue?: QueueView;
}

export interface MappingCounters {
  readonly BatchesSucceeded: number;
  readonly BatchesDiscarded: number;
  readonly Retries: number;
  readonly RecordsFiltered: number;
  readonly DeadLettersParked: number;
}

export interface StreamView {
  /** The stream incarnation shown (ARN plus creation time, or the DynamoDB stream ARN). */
  readonly StreamIdentity?: string;
  /** Leases of earlier incarnations of the stream (deleted and created again), not shown. */
  readonly OlderIncarnationLeases: number;
  readonly Shards: readonly ShardView[];
}

/** `held` by a live owner, `expired` (its owner stopped renewing), `free` (never taken or handed back), `ended` (SHARD_END). */
export type LeaseStatus = 'held' | 'expired' | 'free' | 'ended';

export interface ShardView {
  readonly ShardId: string;
  readonly ParentShardIds: readonly string[];
  readonly Lease: LeaseStatus;
  /** The poller process (worker id) that holds or last held the lease. */
  readonly Owner?: string;
  /** While held: how long until the lease expires unless renewed. */
  readonly LeaseExpiresInMs?: number;
  /** The last fully handled sequence number, or SHARD_END. */
  readonly Checkpoint?: string;
  /** The poller in this process holds the shard: the figures below are there, and current. */
  readonly HeldHere: boolean;
  /** Null until the first batch finished (Lambda's IteratorAge). */
  readonly IteratorAgeMs?: number | null;
  /** Null until the first read (GetRecords' MillisBehindLatest). */
  readonly MillisBehindLatest?: number | null;
  readonly RecordsRead?: number;
}

export interface QueueView {
  readonly Pollers: number;
  readonly InFlight: number;
  /** ApproximateNumberOfMessages as last read (once a minute); null before the first read. */
  readonly Backlog: number | null;
  readonly Received: number;
  readonly Deleted: number;
  readonly Failed: number;
}
