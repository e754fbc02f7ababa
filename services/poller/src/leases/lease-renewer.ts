import { performance } from 'node:perf_hooks';
import type { Logger } from '@sluice/shared';
import { leaseId } from './lease-id.js';
import type { LeaseRenewal, LeaseStore } from './lease-store.js';
import type { LeaseScope, ShardLease } from './shard-lease.js';

/** Why a held lease stopped being this process's. */
export const LeaseLossReason = {
  /** The renewal was refused: another process took it (or the mapping's leases were deleted). */
  Taken: 'taken',
  /** No renewal succeeded for a whole ttl (Redis unreachable or slow): someone may have taken it. */
  Expired: 'expired',
  /** hold() was called again for the same shard with another token. */
  Replaced: 'replaced',
} as const;
export type LeaseLossReason = (typeof LeaseLossReason)[keyof typeof LeaseLossReason];

/** Called once per lost lease; the shard's poller must stop at once and must not checkpoint. */
export type LeaseLostCallback = (lease: ShardLease, reason: LeaseLossReason) => void;

export interface LeaseRenewerDeps {
  readonly store: LeaseStore;
  /** Lease lifetime per renewal (KCL failoverTimeMillis). */
  readonly ttlMs: number;
  /** Time between renewal rounds; default ttl/3, as KCL renews at failover/3. */
  readonly intervalMs?: number;
  /** When given, each round also heartbeats this worker (in the same script), so it counts as live while it renews. */
  readonly workerId?: string;
  readonly logger?: Logger;
  /** Local monotonic clock (ms): how long since the last renewal that Redis accepted. */
  readonly now?: () => number;
}

interface HeldLease {
  readonly lease: ShardLease;
  /** Local time the last accepted renewal (or the hold) was sent: Redis's expiry is later than this plus ttl. */
  readonly renewedAt: number;
  readonly onLost: LeaseLostCallback;
  /** The shard's read rate, kept across renewals (the same object in every entry of one hold). */
  readonly load: LeaseLoad;
}

/** Records read since the last renewal round, and the rate (records a second) they add up to. */
interface LeaseLoad {
  readSince: number;
  /** Local time readSince started counting. */
  since: number;
  /** Exponential moving average of the rate over renewal rounds (KCL 3 averages throughput too). */
  rate: number;
  /** The rate last written to Redis; undefined before the first write. */
  reported: number | undefined;
}

/** Weight of the latest round in the moving average of a lease's rate. */
const RATE_SMOOTHING = 0.5;
/** A rate is written again only when it moved by more than this fraction of the last one written... */
const RATE_REPORT_CHANGE = 0.2;
/** ...and by more than this many records a second: an idle shard's rate stays 0 and costs no write. */
const RATE_REPORT_MIN_CHANGE = 0.5;

/**
 * Keeps this process's leases alive (KCL's LeaseRenewer): every interval it renews every held lease
 * and heartbeats the worker in one step (renewLeases-n.lua: one script per round, one ZADD per
 * scope, whatever the number of leases) and reports each one it lost. A lease whose renewals
 * all failed for a whole ttl is reported too, since another process may have taken it by then.
 * stop() releases nothing: the scheduler releases leases on a graceful stop, after its pollers
 * checkpoint; a crashed process's leases simply expire.
 */
export class LeaseRenewer {
  private readonly held = new Map<string, HeldLease>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private running = false;
  private detachSignal: (() => void) | undefined;

  constructor(private readonly deps: LeaseRenewerDeps) {
    this.intervalMs = deps.intervalMs ?? Math.max(1, Math.floor(deps.ttlMs / 3));
    this.now = deps.now ?? (() => performance.now());
  }

  /** Starts renewing a lease this process took; `onLost` fires at most once. */
  hold(lease: ShardLease, onLost: LeaseLostCallback): void {
    const id = leaseId(lease);
    const previous = this.held.get(id);
    const at = this.now();
    const load = { readSince: 0, since: at, rate: lease.throughput ?? 0, reported: lease.throughput };
    this.held.set(id, { lease, renewedAt: at, onLost, load });
    if (previous !== undefined && previous.lease.token !== lease.token) this.report(previous, LeaseLossReason.Replaced);
  }

  /** Stops renewing a lease (before releasing it, or once its poller ended). False if not held with this token. */
  drop(lease: ShardLease): boolean {
    const id = leaseId(lease);
    if (this.held.get(id)?.lease.token !== lease.token) return false;
    return this.held.delete(id);
  }

  /** Counts records read from a held lease's shard, for its rate (written with the renewals). */
  recordRead(lease: Pick<ShardLease, 'scope' | 'shardId'>, records: number): void {
    const entry = this.held.get(leaseId(lease));
    if (entry !== undefined) entry.load.readSince += records;
  }

  /** Whether this process holds the lease's shard, whatever the token. */
  isHeld(lease: Pick<ShardLease, 'scope' | 'shardId'>): boolean {
    return this.held.has(leaseId(lease));
  }

  /** The latest renewed state of every held lease. */
  heldLeases(): ShardLease[] {
    return [...this.held.values()].map((entry) => entry.lease);
  }

  /** The held leases of one scope by shard id, as last renewed. */
  heldIn(scope: LeaseScope): Map<string, ShardLease> {
    const out = new Map<string, ShardLease>();
    for (const { lease } of this.held.values()) {
      if (lease.scope.mappingId === scope.mappingId && lease.scope.streamIdentity === scope.streamIdentity) out.set(lease.shardId, lease);
    }
    return out;
  }

  /** Renews now and then every interval, until stop() or the signal aborts. Idempotent. */
  start(signal?: AbortSignal): void {
    if (this.running || signal?.aborted) return;
    this.running = true;
    if (signal !== undefined) {
      const onAbort = (): void => void this.stop();
      signal.addEventListener('abort', onAbort, { once: true });
      this.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
    this.tick();
  }

  /** Stops the timer and waits for a round in flight. Idempotent; held leases stay held. */
  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      clearTimeout(this.timer);
      this.timer = undefined;
      this.detachSignal?.();
      this.detachSignal = undefined;
    }
    await this.inFlight;
  }

  /** One round now (tests, or a caller that wants a renewal before a long step). */
  renewNow(): Promise<void> {
    this.inFlight ??= this.renewAll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private tick(): void {
    if (!this.running) return;
    this.expireUnrenewed();
    // A round that hangs (Redis unreachable) must not stop the expiry check above from running.
    void this.renewNow();
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
  }

  private expireUnrenewed(): void {
    const now = this.now();
    for (const [id, entry] of this.held) {
      if (now - entry.renewedAt < this.deps.ttlMs) continue;
      this.held.delete(id);
      this.report(entry, LeaseLossReason.Expired);
    }
  }

  private async renewAll(): Promise<void> {
    const sentAt = this.now();
    const entries = [...this.held.values()];
    const throughputs = new Map<ShardLease, number>();
    for (const entry of entries) {
      const rate = nextRate(entry.load, sentAt);
      if (changedEnough(rate, entry.load.reported)) throughputs.set(entry.lease, rate);
    }
    let renewal: LeaseRenewal;
    try {
      renewal = await this.deps.store.renewLeases(
        entries.map((entry) => entry.lease),
        this.deps.ttlMs,
        this.deps.workerId,
        ...(throughputs.size > 0 ? [throughputs] : []),
      );
    } catch (error) {
      // Transient: the next round tries again, and expireUnrenewed gives up after a whole ttl.
      this.deps.logger?.warn({ err: error, leases: entries.length }, 'lease renewal failed; retrying next round');
      return;
    }
    const lost = new Set(renewal.lost);
    for (const entry of entries) {
      const id = leaseId(entry.lease);
      if (this.held.get(id) !== entry) continue; // dropped, replaced or expired while the renewal ran
      if (lost.has(entry.lease)) {
        this.held.delete(id);
        this.report(entry, LeaseLossReason.Taken);
        continue;
      }
      const reported = throughputs.get(entry.lease);
      if (reported !== undefined) entry.load.reported = reported;
      // Redis's expiry, as the script wrote it: the taker counts this lease as held until then, with the rate as measured here.
      const lease = { ...entry.lease, expiresAtMs: renewal.nowMs + this.deps.ttlMs, throughput: entry.load.rate };
      this.held.set(id, { ...entry, lease, renewedAt: sentAt });
    }
  }

  private report(entry: HeldLease, reason: LeaseLossReason): void {
    this.deps.logger?.warn({ ...fields(entry.lease), reason }, 'lease lost');
    try {
      entry.onLost(entry.lease, reason);
    } catch (error) {
      this.deps.logger?.error({ err: error, ...fields(entry.lease) }, 'lease-lost callback threw');
    }
  }
}

/** Folds the records read since the last round into the lease's rate, and starts counting again. */
function nextRate(load: LeaseLoad, at: number): number {
  const seconds = (at - load.since) / 1000;
  if (seconds > 0) {
    const latest = load.readSince / seconds;
    const rate = RATE_SMOOTHING * latest + (1 - RATE_SMOOTHING) * load.rate;
    load.rate = rate < 0.05 ? 0 : Math.round(rate * 100) / 100;
  }
  load.readSince = 0;
  load.since = at;
  return load.rate;
}

function changedEnough(rate: number, reported: number | undefined): boolean {
  if (reported === undefined) return rate > 0;
  return Math.abs(rate - reported) > Math.max(RATE_REPORT_MIN_CHANGE, RATE_REPORT_CHANGE * reported);
}

function fields(lease: ShardLease): Record<string, string> {
  return { mappingId: lease.scope.mappingId, shardId: lease.shardId };
}
