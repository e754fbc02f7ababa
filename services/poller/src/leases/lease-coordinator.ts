import type { Logger } from '@sluice/shared';
import type { LeaseClock } from './lease-clock.js';
import { LeaseRenewer, type LeaseLostCallback } from './lease-renewer.js';
import type { LeaseStore } from './lease-store.js';
import { LeaseTaker, type LeaseEligibility } from './lease-taker.js';
import type { LeaseScope, ShardLease } from './shard-lease.js';
import type { WorkerRegistry } from './worker-registry.js';

export interface LeaseCoordinatorDeps {
  readonly store: LeaseStore;
  readonly registry: WorkerRegistry;
  readonly clock: LeaseClock;
  /** Unique per process and run (e.g. host, pid and a random suffix). */
  readonly workerId: string;
  /** SLUICE_LEASE_TTL_MS. */
  readonly ttlMs: number;
  readonly logger?: Logger;
  readonly random?: () => number;
}

/**
 * One process's side of lease coordination (KCL's LeaseCoordinator): a LeaseTaker and a
 * LeaseRenewer for the same worker, the renewer also heartbeating it in the WorkerRegistry. Its
 * take/hold/drop are the scheduler's LeaseCoordination. The taker never takes back a lease the
 * renewer still holds: that shard's poller is still running.
 */
export class LeaseCoordinator {
  readonly taker: LeaseTaker;
  readonly renewer: LeaseRenewer;

  constructor(private readonly deps: LeaseCoordinatorDeps) {
    this.renewer = new LeaseRenewer({
      store: deps.store,
      ttlMs: deps.ttlMs,
      workerId: deps.workerId,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
    this.taker = new LeaseTaker({
      store: deps.store,
      workers: deps.registry,
      clock: deps.clock,
      workerId: deps.workerId,
      ttlMs: deps.ttlMs,
      isHeld: (lease) => this.renewer.isHeld(lease),
      heldIn: (scope) => this.renewer.heldIn(scope),
      ...(deps.random ? { random: deps.random } : {}),
    });
  }

  get workerId(): string {
    return this.deps.workerId;
  }

  /**
   * Starts renewing, and resolves once the first heartbeat registered this worker: a first take
   * before that would not count the others' view of this worker, nor this worker in theirs.
   */
  async start(signal?: AbortSignal): Promise<void> {
    this.renewer.start(signal);
    await this.renewer.renewNow();
  }

  /**
   * Stops renewing and unregisters this worker, so the others count one fewer at once. Releases
   * nothing: stop the scheduler first (it releases each lease after its poller's last checkpoint).
   */
  async stop(): Promise<void> {
    await this.renewer.stop();
    await this.deps.registry.remove(this.deps.workerId).catch((error: unknown) => {
      this.deps.logger?.warn({ err: error, workerId: this.deps.workerId }, 'unregistering the worker failed; it will expire');
    });
  }

  /** A scheduling round starts: at most one lease moves between live workers per round. */
  beginRound(): void {
    this.taker.beginRound();
  }

  /** A scope this process no longer takes in (its mapping stopped here): its leases stop counting for the fair share. */
  forget(scope: LeaseScope): void {
    this.taker.forget(scope);
  }

  /**
   * One taking round for a scope: the leases newly held (not yet renewed: hold them), and every
   * lease of the scope as the round read them.
   */
  async take(scope: LeaseScope, eligible: LeaseEligibility): Promise<{ taken: ShardLease[]; all: readonly ShardLease[] }> {
    const { taken, stolen, stealReason, all } = await this.taker.takeLeases(scope, eligible);
    for (const lease of stolen) this.deps.logger?.info({ mappingId: scope.mappingId, shardId: lease.shardId, reason: stealReason }, 'lease stolen for balance');
    return { taken: [...taken], all };
  }

  hold(lease: ShardLease, onLost: LeaseLostCallback): void {
    this.renewer.hold(lease, onLost);
  }

  /** Records read from a held lease's shard: its rate goes with the renewals, for balancing by load. */
  recordRead(lease: ShardLease, records: number): void {
    this.renewer.recordRead(lease, records);
  }

  drop(lease: ShardLease): void {
    this.renewer.drop(lease);
  }
}
