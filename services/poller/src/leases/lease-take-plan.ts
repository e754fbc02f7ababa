import type { ShardLease } from './shard-lease.js';

/** What one taking round sees: the scope's takeable leases, who is alive, and Redis's time. */
export interface LeaseTakeInput {
  /** The leases that count for the fair share (eligible, unfinished). */
  readonly leases: readonly ShardLease[];
  readonly workerId: string;
  /** Registered live workers; this worker and owners of unexpired leases count too. */
  readonly liveWorkers: readonly string[];
  /** Redis's clock, the one expiresAtMs is on. */
  readonly nowMs: number;
  /** Leases this process still runs: never taken again while held, even if their renewal is late. */
  readonly isHeld?: (lease: ShardLease) => boolean;
  /** [0, 1), injected so tests are deterministic. */
  readonly random: () => number;
}

export interface LeaseTakePlan {
  readonly fairShare: number;
  /** Unexpired leases this worker owns now. */
  readonly held: number;
  /** How many more this worker should hold. */
  readonly needed: number;
  /** Unowned or expired leases in random order: try them in turn until `needed` are taken. */
  readonly free: readonly ShardLease[];
  /** At most one lease to steal, only when nothing is free. */
  readonly steal: ShardLease | undefined;
}

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

/**
 * KCL 1.x/2.x stealing (DynamoDBLeaseTaker.chooseLeasesToSteal) with maxLeasesToStealAtOneTime 1:
 * steal from the worker holding the most when it holds more than the fair share, or exactly the
 * fair share while this worker is two or more short (otherwise e.g. 7 leases on 3 workers could
 * stay at 3/3/1). One random lease of that worker; ties between workers broken at random.
 */
export function chooseLeaseToSteal(
  leases: readonly ShardLease[],
  counts: ReadonlyMap<string, number>,
  input: { workerId: string; fairShare: number; needed: number; nowMs: number; random: () => number },
): ShardLease | undefined {
  if (input.needed <= 0) return undefined;
  const others = [...counts].filter(([owner]) => owner !== input.workerId);
  const most = Math.max(0, ...others.map(([, count]) => count));
  const over = most - input.fairShare;
  if (over < 0 || (over === 0 && input.needed < 2)) return undefined;
  const victims = others.filter(([, count]) => count === most).map(([owner]) => owner);
  const victim = pick(victims, input.random);
  return pick(
    leases.filter((l) => l.owner === victim && !isFree(l, input.nowMs)),
    input.random,
  );
}

/**
 * One round's decision for one scope: how many leases this worker should hold, which free ones to
 * try (expired and unowned first, in random order so processes starting together don't all go for
 * the same one), and, only if none is free, at most one to steal.
 */
export function planLeaseTake(input: LeaseTakeInput): LeaseTakePlan {
  const { leases, workerId, nowMs } = input;
  const counts = countHeld(leases, nowMs);
  const workers = new Set([...input.liveWorkers, ...counts.keys(), workerId]);
  const share = fairShare(leases.length, workers.size);
  const held = counts.get(workerId) ?? 0;
  const needed = Math.max(0, share - held);
  const free = needed > 0 ? shuffle(leases.filter((l) => isFree(l, nowMs) && !(input.isHeld?.(l) ?? false)), input.random) : [];
  const steal = free.length === 0 ? chooseLeaseToSteal(leases, counts, { workerId, fairShare: share, needed, nowMs, random: input.random }) : undefined;
  return { fairShare: share, held, needed, free, steal };
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
