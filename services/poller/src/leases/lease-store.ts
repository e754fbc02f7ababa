import type { CheckpointResult, LeaseScope, ShardLayout, ShardLease } from './shard-lease.js';

/** What one renewal round came to. */
export interface LeaseRenewal {
  /** Redis's time of the round: every renewed lease now expires a ttl after it. */
  readonly nowMs: number;
  /** The leases given (the same objects) that were not renewed: taken over, released or deleted since. */
  readonly lost: readonly ShardLease[];
}

/**
 * Leases and checkpoints in Redis. Every write is one conditional Lua script
 * (shared/lua/*Lease*-N.lua): takes are conditional on the counter and expiry read, renewals and
 * checkpoints on owner and token, and checkpoints only move forward.
 */
export interface LeaseStore {
  /** Creates the leases that do not exist yet, unowned and without checkpoint. */
  ensureLeases(scope: LeaseScope, shards: readonly { shardId: string; parentShardIds: readonly string[] }[]): Promise<void>;
  /** The shard ids that have a lease in the scope (one read, whatever their number). */
  listShardIds(scope: LeaseScope): Promise<string[]>;
  /**
   * Every lease of the scope, sorted by shard id. `held` (by shard id) are leases this process holds
   * and renews: they are returned as given, not read again.
   */
  listLeases(scope: LeaseScope, held?: ReadonlyMap<string, ShardLease>): Promise<ShardLease[]>;
  /** Takes a lease that is unowned or expired, or steals it; undefined when it changed since it was read. */
  takeLease(lease: ShardLease, owner: string, ttlMs: number): Promise<ShardLease | undefined>;
  /**
   * Extends every lease given by ttl, in one round trip, and heartbeats `workerId` in the worker
   * registry in the same step when given; `throughputs` (records a second, for some of the leases
   * given) are written on those still held, for the takers' balancing by load.
   */
  renewLeases(leases: readonly ShardLease[], ttlMs: number, workerId?: string, throughputs?: ReadonlyMap<ShardLease, number>): Promise<LeaseRenewal>;
  /** Hands a lease back at once (graceful stop), keeping its checkpoint. */
  releaseLease(lease: ShardLease): Promise<void>;
  /** Writes a checkpoint if this process still holds the lease and it moves forward (SHARD_END is last). */
  checkpoint(lease: ShardLease, sequenceNumber: string): Promise<CheckpointResult>;
  /** Records the layout batches are cut under if this process still holds the lease (fenced as checkpoints). */
  recordLayout(lease: ShardLease, layout: ShardLayout): Promise<'written' | 'lease-lost'>;
  /** Removes every lease and checkpoint of a mapping, whatever stream incarnation they belong to. */
  deleteMapping(mappingId: string): Promise<void>;
}
