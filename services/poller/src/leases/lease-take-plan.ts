import type { ShardLease } from './shard-lease.js';

/**
 * What one taking round sees: every lease of the installation that counts for the fair share (the
 * taker's census over all the mappings' scopes), who is alive, and Redis's time.
 */
export interface LeaseTakeInput {
  /** The leases that count for the fair share (eligible, unfinished), over every mapping of the installation. */
  readonly leases: readonly ShardLease[];
  /** The leases this round may take or steal (the scope it just read); every lease when absent. */
  readonly takeable?: (lease: ShardLease) => boolean;
  readonly workerId: string;
  /** Registered live workers; this worker and owners of unexpired leases count too. */
  readonly liveWorkers: readonly string[];
  /** Redis's clock, the one expiresAtMs is on. */
  readonly nowMs: number;
  /** Leases this process still runs: never taken again while held, even if their renewal is late. */
  readonly isHeld?: (lease: ShardLease) => boolean;
  /** False once this scheduling round moved a lease from a live worker: at most one move per round. */
  readonly mayMove?: boolean;
  /** [0, 1), injected so tests are deterministic. */
  readonly random: () => number;
}

/** Why a lease is taken from a live worker. */
export type StealReason = 'count' | 'load';

export interface LeaseTakePlan {
  readonly fairShare: number;
  /** Unexpired leases this worker owns now, over the installation. */
  readonly held: number;
  /** How many more this worker should hold. */
  readonly needed: number;
  /** Takeable unowned or expired leases in random order: try them in turn until `needed` are taken. */
  readonly free: readonly ShardLease[];
  /** At most one lease to steal, only when nothing in the installation is free. */
  readonly steal: ShardLease | undefined;
  readonly stealReason?: StealReason;
}

/**
 * Balancing by load starts only when the busiest worker's load exceeds this worker's by this
 * fraction of the mean load (KCL 3's reBalanceThresholdPercentage, 10 by default)...
 * https://docs.aws.amazon.com/streams/latest/dev/kcl-assignment.html
 */
export const LOAD_REBALANCE_THRESHOLD = 0.1;
/** ...and by at least this many records a second: a few records of noise move nothing. */
export const MIN_LOAD_GAP = 1;

/** KCL's target: ceil(leases / workers); with at least as many workers as leases, one each. */
export function fairShare(leaseCount: number, workerCount: number): number {
  if (leaseCount <= 0) return 0;
  return Math.ceil(leaseCount / Math.max(1, workerCount));
}

export function isFree(lease: ShardLease, nowMs: number): boolean {
  return lease.owner === undefined || lease.expiresAtMs <= nowMs;
}

/** Unexpired leases per owner. */
export function countHeld(leases: readonly ShardLease[], nowMs: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const lease of leases) {
    if (isFree(lease, nowMs)) continue;
    counts.set(lease.owner!, (counts.get(lease.owner!) ?? 0) + 1);
  }
  return counts;
}

/** A lease's load: the records a second its holder last reported (0 when it reported none). */
export function loadOf(lease: ShardLease): number {
  return lease.throughput ?? 0;
}

/** Records a second per owner, over its unexpired leases. */
export function loadHeld(leases: readonly ShardLease[], nowMs: number): Map<string, number> {
  const loads = new Map<string, number>();
  for (const lease of leases) {
    if (isFree(lease, nowMs)) continue;
    loads.set(lease.owner!, (loads.get(lease.owner!) ?? 0) + loadOf(lease));
  }
  return loads;
}

/**
 * KCL 1.x/2.x stealing (DynamoDBLeaseTaker.chooseLeasesToSteal) with maxLeasesToStealAtOneTime 1:
 * steal from the worker holding the most when it holds more than the fair share, or exactly the
 * fair share while this worker is two or more short (otherwise e.g. 7 leases on 3 workers could
 * stay at 3/3/1). One random takeable lease of that worker; ties between workers broken at random.
 */
export function chooseLeaseToSteal(
  leases: readonly ShardLease[],
  counts: ReadonlyMap<string, number>,
  input: { workerId: string; fairShare: number; needed: number; nowMs: number; random: () => number; takeable?: (lease: ShardLease) => boolean },
): ShardLease | undefined {
  if (input.needed <= 0) return undefined;
  const others = [...counts].filter(([owner]) => owner !== input.workerId);
  const most = Math.max(0, ...others.map(([, count]) => count));
  const over = most - input.fairShare;
  if (over < 0 || (over === 0 && input.needed < 2)) return undefined;
  const victims = new Set(others.filter(([, count]) => count === most).map(([owner]) => owner));
  // Among the busiest workers' leases in the scope at hand; another scope's round finds the others.
  return pick(
    leases.filter((l) => victims.has(l.owner!) && !isFree(l, input.nowMs) && (input.takeable?.(l) ?? true)),
    input.random,
  );
}

/**
 * KCL 3's balancing by load, once every worker holds its fair share by count: when the busiest
 * worker's load (records a second over its leases) exceeds this worker's by more than the
 * threshold, take from it the lease whose load comes closest to half the gap, so the gap narrows
 * and the move is not undone next round. Only while this worker is below the fair share and the
 * busiest holds more leases than it, so that balancing by load never unbalances the counts.
 * https://docs.aws.amazon.com/streams/latest/dev/kcl-assignment.html
 */
export function chooseLeaseToBalanceLoad(
  leases: readonly ShardLease[],
  counts: ReadonlyMap<string, number>,
  input: { workerId: string; fairShare: number; workers: number; nowMs: number; takeable?: (lease: ShardLease) => boolean },
): ShardLease | undefined {
  const held = counts.get(input.workerId) ?? 0;
  if (held + 1 > input.fairShare) return undefined;
  const loads = loadHeld(leases, input.nowMs);
  const mine = loads.get(input.workerId) ?? 0;
  const mean = [...loads.values()].reduce((a, b) => a + b, 0) / Math.max(1, input.workers);
  let victim: string | undefined;
  for (const [owner, load] of loads) {
    if (owner === input.workerId || (counts.get(owner) ?? 0) <= held) continue;
    if (victim === undefined || load > loads.get(victim)!) victim = owner;
  }
  if (victim === undefined) return undefined;
  const gap = loads.get(victim)! - mine;
  if (gap <= Math.max(MIN_LOAD_GAP, LOAD_REBALANCE_THRESHOLD * mean)) return undefined;
  let best: ShardLease | undefined;
  for (const lease of leases) {
    if (lease.owner !== victim || isFree(lease, input.nowMs) || !(input.takeable?.(lease) ?? true)) continue;
    const load = loadOf(lease);
    if (load <= 0 || load >= gap) continue; // nothing to gain, or the gap would only turn round
    if (best === undefined || Math.abs(gap / 2 - load) < Math.abs(gap / 2 - loadOf(best))) best = lease;
  }
  return best;
}

/**
 * One round's decision for one scope, against the whole installation: the fair share is
 * ceil(eligible leases of every mapping / live workers), so many one-shard mappings spread over
 * the processes as one many-shard mapping would. This worker takes free leases of the scope up to
 * it (in random order, so processes starting together don't all go for the same one); only when
 * nothing in the installation is free, and this round has not moved one yet, it steals one: by
 * count (KCL 2.x), or else by load (KCL 3).
 */
export function planLeaseTake(input: LeaseTakeInput): LeaseTakePlan {
  const { leases, workerId, nowMs } = input;
  const counts = countHeld(leases, nowMs);
  const workers = new Set([...input.liveWorkers, ...counts.keys(), workerId]);
  const share = fairShare(leases.length, workers.size);
  const held = counts.get(workerId) ?? 0;
  const needed = Math.max(0, share - held);
  const isHeld = (l: ShardLease): boolean => input.isHeld?.(l) ?? false;
  const takeable = (l: ShardLease): boolean => input.takeable?.(l) ?? true;
  const free = needed > 0 ? shuffle(leases.filter((l) => isFree(l, nowMs) && !isHeld(l) && takeable(l)), input.random) : [];
  const anyFree = leases.some((l) => isFree(l, nowMs) && !isHeld(l));
  if (anyFree || input.mayMove === false) return { fairShare: share, held, needed, free, steal: undefined };
  const byCount = chooseLeaseToSteal(leases, counts, { workerId, fairShare: share, needed, nowMs, random: input.random, takeable });
  if (byCount !== undefined) return { fairShare: share, held, needed, free, steal: byCount, stealReason: 'count' };
  const byLoad = chooseLeaseToBalanceLoad(leases, counts, { workerId, fairShare: share, workers: workers.size, nowMs, takeable });
  return byLoad === undefined ? { fairShare: share, held, needed, free, steal: undefined } : { fairShare: share, held, needed, free, steal: byLoad, stealReason: 'load' };
}

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

/** Fisher-Yates on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
