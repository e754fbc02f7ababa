import { ErrorCode, ProcessingResult, SluiceError, type StreamMapping, type Logger } from '@sluice/shared';
import type { LeaseStore } from '../leases/lease-store.js';
import { SHARD_END, type LeaseScope, type ShardLease } from '../leases/shard-lease.js';
import { ShardPoller, type ShardPollerDeps, type ShardPollerEnd } from '../consumer/shard-poller.js';
import type { Shard, StreamSource } from '../sources/stream-source.js';
import { initialPosition } from './initial-position.js';
import type { SourceRunner } from './source-runner.js';

/** What a mapping runner needs of lease taking and renewing (the scheduler binds the real ones). */
export interface LeaseCoordination {
  /** One taking round for a scope: the leases this process newly holds, and all the scope's leases as read. */
  take(
    scope: LeaseScope,
    eligible: (lease: ShardLease, all: readonly ShardLease[]) => boolean,
  ): Promise<{ taken: ShardLease[]; all: readonly ShardLease[] }>;
  /** Keeps a held lease renewed; `onLost` fires once if it is lost. */
  hold(lease: ShardLease, onLost: () => void): void;
  /** Stops renewing a lease (before releasing it or after losing it). */
  drop(lease: ShardLease): void;
  /** Records read from a held lease's shard (its load, for balancing by load). */
  recordRead(lease: ShardLease, records: number): void;
  /** This process no longer takes in the scope (its mapping stopped here): its leases stop counting for the fair share. */
  forget(scope: LeaseScope): void;
}

export interface StreamRunnerDeps {
  readonly mapping: () => StreamMapping | undefined;
  readonly source: StreamSource;
  readonly leases: LeaseStore;
  readonly coordination: LeaseCoordination;
  readonly shardSyncIntervalMs: number;
  readonly logger: Logger;
  /** Everything a shard poller needs besides its lease, mapping and position. */
  readonly pollerDeps: Omit<ShardPollerDeps, 'lease' | 'mapping' | 'initialPosition' | 'source' | 'leases' | 'logger' | 'reportResult' | 'reportProblem' | 'onRecordsRead'>;
  /** Records the mapping's LastProcessingResult. */
  readonly reportResult: (result: string) => void;
  /** An ongoing problem of one of its pollers (keys are the pollers' own), or its end. */
  readonly reportProblem: (key: string, problem: string | undefined) => void;
  /** Asks the scheduler for another round soon (a shard ended: its children may start). */
  readonly requestRound: () => void;
}

/**
 * One stream mapping in one process (its SourceRunner): syncs the stream's shards into leases,
 * takes its fair share, and runs a ShardPoller per held lease. A child shard's lease is eligible only once every parent this
 * mapping tracks has checkpoint SHARD_END (parents before children; a merge waits for both).
 * https://docs.aws.amazon.com/streams/latest/dev/kcl-migration-lease-lifecycle.html
 */
export class StreamRunner implements SourceRunner {
  private readonly pollers = new Map<string, { poller: ShardPoller; lease: ShardLease }>();
  private scope: LeaseScope | undefined;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private stopped = false;

  constructor(
    private readonly mappingId: string,
    private readonly deps: StreamRunnerDeps,
  ) {}

  get heldShards(): string[] {
    return [...this.pollers.keys()];
  }

  /** One scheduling round: sync shards when due, take leases, start their pollers. */
  async tick(now: number): Promise<void> {
    if (this.stopped) return;
    const mapping = this.deps.mapping();
    if (mapping === undefined) return;
    if (now - this.lastSyncAt >= this.deps.shardSyncIntervalMs || this.scope === undefined) {
      try {
        await this.syncShards(mapping);
      } catch (error) {
        // A deleted stream shows on the mapping, as AWS reports it, not only in our logs.
        if (error instanceof SluiceError && error.code === ErrorCode.SourceNotFound) this.deps.reportResult(ProcessingResult.StreamNotFound);
        throw error;
      }
      this.lastSyncAt = now;
    }
    const scope = this.scope;
    if (scope === undefined) return;
    // Right after the first shard sync, in the same round: a new mapping's shards start at once.
    const { taken, all } = await this.deps.coordination.take(scope, isEligible);
    for (const lease of taken) this.startPoller(lease, all);
  }

  /** Stops every poller of this mapping and hands its leases back (checkpoints stay). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scope !== undefined) this.deps.coordination.forget(this.scope);
    await Promise.all([...this.pollers.values()].map(({ poller }) => poller.stop('stopped')));
  }

  private async syncShards(mapping: StreamMapping): Promise<void> {
    // Both calls at once: the shards of a stream recreated in between are caught at the next sync.
    const listing = this.deps.source.listShards();
    listing.catch(() => undefined); // awaited below unless identity() fails first
    const identity = await this.deps.source.identity();
    if (this.scope !== undefined && this.scope.streamIdentity !== identity) {
      // The stream was deleted and created again: its old positions mean nothing now.
      this.deps.logger.warn({ mappingId: this.mappingId, identity }, 'stream identity changed; starting over on the new stream');
      await Promise.all([...this.pollers.values()].map(({ poller }) => poller.stop('source-gone')));
      this.deps.coordination.forget(this.scope);
    }
    this.scope = { mappingId: this.mappingId, streamIdentity: identity };
    const shards = await listing;
    const known = new Set(await this.deps.leases.listShardIds(this.scope));
    await this.deps.leases.ensureLeases(this.scope, shardsToTrack(mapping, shards, known));
  }

  private startPoller(lease: ShardLease, all: readonly ShardLease[]): void {
    if (this.pollers.has(lease.shardId)) return;
    const mapping = this.deps.mapping();
    if (mapping === undefined) return;
    const tracked = new Set(all.map((l) => l.shardId));
    const parentsTracked = lease.parentShardIds.some((p) => tracked.has(p));
    const poller = new ShardPoller({
      ...this.deps.pollerDeps,
      lease,
      leases: this.deps.leases,
      source: this.deps.source,
      logger: this.deps.logger,
      mapping: () => this.deps.mapping() ?? mapping,
      initialPosition: initialPosition(mapping, parentsTracked),
      reportResult: this.deps.reportResult,
      reportProblem: this.deps.reportProblem,
      onRecordsRead: (records) => this.deps.coordination.recordRead(lease, records),
    });
    this.pollers.set(lease.shardId, { poller, lease });
    this.deps.coordination.hold(lease, () => void poller.stop('lease-lost'));
    void poller.start().then((end) => this.onPollerEnd(lease, end));
  }

  private async onPollerEnd(lease: ShardLease, end: ShardPollerEnd): Promise<void> {
    this.pollers.delete(lease.shardId);
    this.deps.coordination.drop(lease);
    this.deps.logger.info({ mappingId: this.mappingId, shardId: lease.shardId, end }, 'shard poller ended');
    if (end !== 'lease-lost') {
      await this.deps.leases.releaseLease(lease).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, shardId: lease.shardId }, 'releasing a lease failed; it will expire');
      });
    }
    if (end === 'shard-ended') this.deps.requestRound();
  }
}

/** A lease may be taken when its shard is unfinished and every tracked parent has finished. */
export function isEligible(lease: ShardLease, all: readonly ShardLease[]): boolean {
  if (lease.checkpoint === SHARD_END) return false;
  const byShard = new Map(all.map((l) => [l.shardId, l]));
  return lease.parentShardIds.every((parent) => {
    const parentLease = byShard.get(parent);
    return parentLease === undefined || parentLease.checkpoint === SHARD_END;
  });
}

/**
 * The shards a mapping reads: all of them, except that a LATEST mapping ignores shards that were
 * already closed when it first saw them (their records predate it; the KCL does the same).
 */
export function shardsToTrack(mapping: StreamMapping, shards: readonly Shard[], known: ReadonlySet<string>): Shard[] {
  return shards.filter((shard) => {
    if (known.has(shard.shardId)) return false;
    if (mapping.startingPosition === 'LATEST' && shard.endingSequenceNumber !== undefined) {
      return shard.parentShardIds.some((p) => known.has(p));
    }
    return true;
  });
}
