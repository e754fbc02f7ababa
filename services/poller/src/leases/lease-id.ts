import type { ShardLease } from './shard-lease.js';

/**
 * One string per (mapping, stream identity, shard): the same for every take of the lease, so maps
 * of held leases are keyed by it and a new take (new token) replaces the old entry.
 */
export function leaseId(lease: Pick<ShardLease, 'scope' | 'shardId'>): string {
  return JSON.stringify([lease.scope.mappingId, lease.scope.streamIdentity, lease.shardId]);
}
