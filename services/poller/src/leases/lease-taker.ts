import type { LeaseClock } from './lease-clock.js';
import type { LeaseStore } from './lease-store.js';
import { planLeaseTake } from './lease-take-plan.js';
import { SHARD_END, type LeaseScope, type ShardLease } from './shard-lease.js';
import type { WorkerRegistry } from './worker-registry.js';

/** Whether a lease may be taken now, seeing all the scope's leases (e.g. parents before children). */
export type LeaseEligibility = (lease: ShardLease, all: readonly ShardLease[]) => boolean;

export interface LeaseTakerDeps {
  readonly store: LeaseStore;
  readonly workers: Pick<WorkerRegistry, 'liveWorkers'>;
  /** Redis's clock: expiry is judged on the clock the scripts wrote it on. */
  readonly clock: LeaseClock;
  readonly workerId: string;
  /** How long a taken lease lasts unrenewed (KCL failoverTimeMillis). */
  readonly ttlMs: number;
  /** Leases this process still runs (the renewer's): not taken again while their poller runs. */
  readonly isHeld?: (lease: ShardLease) => boolean;
  readonly random?: () => number;
}

export interface TakeResult {
  /** Every lease this round gave this worker, stolen ones included, as the store returned them. */
  readonly taken: readonly ShardLease[];
  /** The subset of `taken` that was stolen from a live worker (at most one). */
  readonly stolen: readonly ShardLease[];
  /** Every lease of the scope as this round read them, before taking. */
  readonly all: readonly ShardLease[];
}

/**
 * KCL 1.x/2.x lease taking for one scope, one round at a time: fair share = ceil(eligible leases /
 * live workers); take unowned or expired leases up to it, and only when none is free steal one
 * from the most loaded worker. Every take is conditional on the counter read (takeLease-1.lua), so
 * two processes racing for one lease cannot both win; the loser just tries the next one.
 * https://docs.aws.amazon.com/streams/latest/dev/kcl-dynamoDB.html
 */
export class LeaseTaker {
  private readonly random: () => number;

  constructor(private readonly deps: LeaseTakerDeps) {
    this.random = deps.random ?? Math.random;
  }

  async takeLeases(scope: LeaseScope, eligible: LeaseEligibility = () => true): Promise<TakeResult> {
    const { store, workerId, ttlMs } = this.deps;
    const [all, liveWorkers, nowMs] = await Promise.all([store.listLeases(scope), this.deps.workers.liveWorkers(), this.deps.clock.nowMs()]);
    // A finished shard has nothing left to read: it is never taken and does not count for the share.
    const leases = all.filter((lease) => lease.checkpoint !== SHARD_END && eligible(lease, all));
    const plan = planLeaseTake({ leases, workerId, liveWorkers, nowMs, random: this.random, ...(this.deps.isHeld ? { isHeld: this.deps.isHeld } : {}) });
    // The first `needed` free leases are tried at once (a new mapping's shards all start together);
    // each one another worker won in between is replaced by the next free one.
    const taken: ShardLease[] = [];
    let next = 0;
    while (taken.length < plan.needed && next < plan.free.length) {
      const tries = plan.free.slice(next, next + plan.needed - taken.length);
      next += tries.length;
      const got = await Promise.all(tries.map((lease) => store.takeLease(lease, workerId, ttlMs)));
      for (const lease of got) if (lease !== undefined) taken.push(lease);
    }
    if (plan.steal === undefined) return { taken, stolen: [], all };
    const stolen = await store.takeLease(plan.steal, workerId, ttlMs);
    return stolen === undefined ? { taken, stolen: [], all } : { taken: [...taken, stolen], stolen: [stolen], all };
  }
}
