import type { CheckpointResult, LeaseScope, ShardLayout, ShardLease } from './shard-lease.js';

/**
 * Leases and checkpoints in Redis. Every write is one conditional Lua script
 * (shared/lua/*Lease-N.lua): takes are conditional on the counter read, renewals and checkpoints
 * on owner and token, and checkpoints only move forward.
 */
export interface LeaseStore {
  /** Creates the leases that do not exist yet, unowned and without checkpoint. */
  ensureLeases(scope: LeaseScope, shards: readonly { shardId: string; parentShardIds: readonly string[] }[]): Promise<void>;
  listLeases(scope: LeaseScope): Promise<ShardLease[]>;
  /** Takes a lease that is unowned or expired, or steals it; undefined when someone else got there first. */
  takeLease(lease: ShardLease, owner: string, ttlMs: number): Promise<ShardLease | undefined>;
  /** Extends a held lease; undefined when it was lost (taken by another owner). */
  renewLease(lease: ShardLease, ttlMs: number): Promise<ShardLease | undefined>;
  /** Hands a lease back at once (graceful stop), keeping its checkpoint. */
  releaseLease(lease: ShardLease): Promise<void>;
  /** Writes a checkpoint if this process still holds the lease and it moves forward (SHARD_END is last). */
  checkpoint(lease: ShardLease, sequenceNumber: string): Promise<CheckpointResult>;
  /** Records the layout batches are cut under if this process still holds the lease (fenced as checkpoints). */
  recordLayout(lease: ShardLease, layout: ShardLayout): Promise<'written' | 'lease-lost'>;
  /** Removes every lease and checkpoint of a mapping, whatever stream incarnation they belong to. */
  deleteMapping(mappingId: string): Promise<void>;
}
