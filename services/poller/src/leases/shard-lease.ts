import type { LeaseScope } from '@sluice/shared';

/**
 * Where leases and checkpoints of one mapping on one incarnation of StreamSource.identity() live,
 * and the checkpoint of a finished shard (the key layout: shared/src/leases/lease-keys.ts).
 */
export { SHARD_END, type LeaseScope } from '@sluice/shared';

/**
 * One (mapping, shard) lease, in the Kinesis Client Library's terms
 * (https://docs.aws.amazon.com/streams/latest/dev/kcl-dynamoDB.html): at most one live owner,
 * kept by renewing before `expiresAtMs`. `token` is set anew on every take and never on renew: a
 * checkpoint write must present it, so a process that lost the lease can no longer checkpoint.
 */
export interface ShardLease {
  readonly scope: LeaseScope;
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  readonly owner: string | undefined;
  readonly token: string | undefined;
  /** Bumped on every take and release (KCL leaseCounter); takes are conditional on it and on the expiry read. */
  readonly counter: number;
  /** On Redis's clock (TIME), so processes with skewed clocks agree on expiry; 0 when unowned. Moved by every renewal. */
  readonly expiresAtMs: number;
  /** The last fully handled sequence number, SHARD_END, or undefined (use StartingPosition). */
  readonly checkpoint: string | undefined;
  /** The layout the last owner read under (recordLayout); undefined on a new lease or older data. */
  readonly layout?: ShardLayout | undefined;
  /**
   * Records a second its holder last reported with a renewal (KCL 3's throughput per lease), for
   * balancing by load; undefined when none was reported.
   */
  readonly throughput?: number | undefined;
}

/**
 * The batch layout a shard is read under: the window size and (without windows) the lane count.
 * Job ids name the lane, so a new owner must cut batches under the layout of the jobs in flight.
 */
export interface ShardLayout {
  readonly tumblingWindowInSeconds: number;
  readonly parallelizationFactor: number;
}

export type CheckpointResult = 'written' | 'lease-lost' | 'not-forward';
