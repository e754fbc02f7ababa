import { leaseId } from './lease-id.js';
import type { LeaseScope, ShardLease } from './shard-lease.js';

/**
 * Rounds a scope stays in the census without being read again: a paused or deleted mapping's
 * leases stop counting for the fair share after this many scheduling rounds.
 */
const ROUNDS_KEPT = 2;

/**
 * The eligible leases of every scope this process takes in, each as its latest taking round read
 * them: the installation's leases, over which the fair share is counted (not one mapping's). The
 * other scopes are at most one scheduling round old, which takes are conditional against anyway.
 */
export class LeaseCensus {
  private readonly scopes = new Map<string, { readonly leases: readonly ShardLease[]; readonly round: number }>();
  private round = 0;

  record(scope: LeaseScope, leases: readonly ShardLease[]): void {
    this.scopes.set(scopeKey(scope), { leases, round: this.round });
  }

  forget(scope: LeaseScope): void {
    this.scopes.delete(scopeKey(scope));
  }

  nextRound(): void {
    this.round++;
    for (const [key, entry] of this.scopes) if (this.round - entry.round > ROUNDS_KEPT) this.scopes.delete(key);
  }

  /** Every lease of every scope still counted. */
  leases(): ShardLease[] {
    return [...this.scopes.values()].flatMap((entry) => entry.leases);
  }
}

function scopeKey(scope: LeaseScope): string {
  return leaseId({ scope, shardId: '' });
}
