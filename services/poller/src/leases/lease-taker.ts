import { performance } from 'node:perf_hooks';
import type { LeaseClock } from './lease-clock.js';
import { LeaseCensus } from './lease-census.js';
import type { LeaseStore } from './lease-store.js';
import { planLeaseTake, type StealReason } from './lease-take-plan.js';
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
  /** This process's held leases of a scope by shard id, as last renewed: not read from Redis again. */
  readonly heldIn?: (scope: LeaseScope) => ReadonlyMap<string, ShardLease>;
  readonly random?: () => number;
  /** Local monotonic clock (ms), for reusing one read of the live workers and Redis's time. */
  readonly now?: () => number;
}

/**
 * Without beginRound(), the live workers and Redis's time are read once per this long and reused
 * for every scope taken in between (the scheduler takes for each mapping in turn, within ms).
 */
const VIEW_REUSE_MS = 500;

export interface TakeResult {
  /** Every lease this round gave this worker, stolen ones included, as the store returned them. */
  readonly taken: readonly ShardLease[];
  /** The subset of `taken` that was stolen from a live worker (at most one). */
  readonly stolen: readonly ShardLease[];
  /** Why the stolen lease was stolen: for the count, or for the load. */
  readonly stealReason?: StealReason;
  /** Every lease of the scope as this round read them, before taking. */
  readonly all: readonly ShardLease[];
}

/**
 * KCL lease taking, one scope at a time but against the whole installation: fair share =
 * ceil(eligible leases of every mapping / live workers) (the census of every scope this process
 * takes in); take unowned or expired leases of the scope up to it, and only when none is free
 * anywhere steal one, from the worker holding the most (KCL 2.x) or else for load (KCL 3), at most
 * one move per scheduling round (beginRound). Every take is conditional on the counter and expiry
 * read (takeLease-2.lua), so two processes racing for one lease cannot both win; the loser just
 * tries the next one.
 * https://docs.aws.amazon.com/streams/latest/dev/kcl-dynamoDB.html
 * https://docs.aws.amazon.com/streams/latest/dev/kcl-assignment.html
 */
export class LeaseTaker {
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly census = new LeaseCensus();
  private view: { readonly readAt: number; readonly read: Promise<{ liveWorkers: string[]; nowMs: number }> } | undefined;
  /** Whether the current round may still move a lease from a live worker. */
  private mayMove = true;
  private explicitRounds = false;

  constructor(private readonly deps: LeaseTakerDeps) {
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? (() => performance.now());
  }

  /**
   * A scheduling round starts: the live workers and Redis's time are read again at its first take,
   * the census forgets scopes no round took in lately (their mappings went), and the round may
   * move one lease again.
   */
  beginRound(): void {
    this.explicitRounds = true;
    this.view = undefined;
    this.mayMove = true;
    this.census.nextRound();
  }

  /** Forgets a scope at once (its mapping stopped here), so its leases no longer count for the share. */
  forget(scope: LeaseScope): void {
    this.census.forget(scope);
  }

  async takeLeases(scope: LeaseScope, eligible: LeaseEligibility = () => true): Promise<TakeResult> {
    const { store, workerId, ttlMs } = this.deps;
    const [all, { liveWorkers, nowMs }] = await Promise.all([store.listLeases(scope, this.deps.heldIn?.(scope)), this.liveView()]);
    // A finished shard has nothing left to read: it is never taken and does not count for the share.
    const leases = all.filter((lease) => lease.checkpoint !== SHARD_END && eligible(lease, all));
    this.census.record(scope, leases);
    const inScope = new Set(leases);
    const plan = planLeaseTake({
      leases: this.census.leases(),
      takeable: (lease) => inScope.has(lease),
      workerId,
      liveWorkers,
      nowMs,
      random: this.random,
      mayMove: this.mayMove,
      ...(this.deps.isHeld ? { isHeld: this.deps.isHeld } : {}),
    });
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
    // One move per round, won or lost: a lost race means the view was stale, and the next round reads again.
    if (this.explicitRounds) this.mayMove = false;
    const stolen = await store.takeLease(plan.steal, workerId, ttlMs);
    if (stolen === undefined) return { taken, stolen: [], all };
    return { taken: [...taken, stolen], stolen: [stolen], all, ...(plan.stealReason ? { stealReason: plan.stealReason } : {}) };
  }

  /** Live workers and Redis's now, read once per round (or per VIEW_REUSE_MS without rounds), now moved on by the local clock. */
  private async liveView(): Promise<{ liveWorkers: string[]; nowMs: number }> {
    const at = this.now();
    if (this.view === undefined || (!this.explicitRounds && at - this.view.readAt > VIEW_REUSE_MS)) {
      const read = Promise.all([this.deps.workers.liveWorkers(), this.deps.clock.nowMs()]).then(([liveWorkers, nowMs]) => ({ liveWorkers, nowMs }));
      this.view = { readAt: at, read };
      read.catch(() => (this.view = undefined));
    }
    const { readAt, read } = this.view;
    const { liveWorkers, nowMs } = await read;
    return { liveWorkers, nowMs: nowMs + (at - readAt) };
  }
}
