import { describe, expect, it } from 'vitest';
import { chooseLeaseToSteal, countHeld, fairShare, planLeaseTake } from '../../../../../services/poller/src/leases/lease-take-plan.js';
import type { ShardLease } from '../../../../../services/poller/src/leases/shard-lease.js';

const NOW = 1_000_000;
const scope = { mappingId: 'm', streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s|1' };

/** A lease; `owner` holds it unexpired unless `expired`. */
function lease(n: number, owner?: string, expired = false): ShardLease {
  return {
    scope,
    shardId: `shardId-${String(n).padStart(12, '0')}`,
    parentShardIds: [],
    owner,
    token: owner === undefined ? undefined : `t-${n}`,
    counter: 1,
    expiresAtMs: owner === undefined ? 0 : expired ? NOW - 1 : NOW + 5000,
    checkpoint: undefined,
  };
}

/** `spec` like { a: 3, b: 3 } plus `free` unowned leases. */
function spread(spec: Record<string, number>, free = 0): ShardLease[] {
  const out: ShardLease[] = [];
  let n = 0;
  for (const [owner, count] of Object.entries(spec)) for (let i = 0; i < count; i++) out.push(lease(n++, owner));
  for (let i = 0; i < free; i++) out.push(lease(n++));
  return out;
}

/** A deterministic [0, 1) sequence. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

describe('fairShare', () => {
  it('is ceil(leases / workers), as the KCL target', () => {
    expect(fairShare(8, 3)).toBe(3);
    expect(fairShare(9, 3)).toBe(3);
    expect(fairShare(10, 3)).toBe(4);
    expect(fairShare(2, 5)).toBe(1);
    expect(fairShare(0, 3)).toBe(0);
    expect(fairShare(8, 0)).toBe(8);
  });
});

describe('countHeld', () => {
  it('counts only unexpired leases per owner', () => {
    const counts = countHeld([lease(0, 'a'), lease(1, 'a'), lease(2, 'b', true), lease(3)], NOW);
    expect([...counts]).toEqual([['a', 2]]);
  });
});

describe('planLeaseTake', () => {
  it('takes up to the fair share of free leases, all of them candidates in random order', () => {
    // Arrange
    const leases = spread({}, 8);
    // Act
    const plan = planLeaseTake({ leases, workerId: 'me', liveWorkers: ['me', 'b', 'c'], nowMs: NOW, random: seeded(1) });
    // Assert
    expect(plan).toMatchObject({ fairShare: 3, held: 0, needed: 3, steal: undefined });
    expect(plan.free.map((l) => l.shardId).sort()).toEqual(leases.map((l) => l.shardId).sort());
  });

  it('orders free leases differently for different processes, so they do not all race for one', () => {
    const leases = spread({}, 8);
    const orders = new Set(
      [1, 2, 3, 4, 5].map((seed) =>
        planLeaseTake({ leases, workerId: 'me', liveWorkers: [], nowMs: NOW, random: seeded(seed) })
          .free.map((l) => l.shardId)
          .join(),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it('treats expired leases as free and does not count their dead owner as a worker', () => {
    const leases = [lease(0, 'dead', true), lease(1, 'dead', true), lease(2, 'b'), lease(3, 'b')];
    const plan = planLeaseTake({ leases, workerId: 'me', liveWorkers: ['me', 'b'], nowMs: NOW, random: seeded(1) });
    expect(plan.fairShare).toBe(2);
    expect(plan.free.map((l) => l.owner)).toEqual(['dead', 'dead']);
  });

  it('counts itself and the owners of live leases even when the registry has not caught up', () => {
    const plan = planLeaseTake({ leases: spread({ b: 2 }, 2), workerId: 'me', liveWorkers: [], nowMs: NOW, random: seeded(1) });
    expect(plan.fairShare).toBe(2);
    expect(plan.needed).toBe(2);
  });

  it('takes nothing once at its fair share', () => {
    const plan = planLeaseTake({ leases: spread({ me: 3, b: 3 }, 2), workerId: 'me', liveWorkers: ['me', 'b', 'c'], nowMs: NOW, random: seeded(1) });
    expect(plan).toMatchObject({ needed: 0, free: [], steal: undefined });
  });

  it('never takes back a lease this process still holds, even when Redis says it expired', () => {
    const mine = lease(0, 'me', true);
    const plan = planLeaseTake({
      leases: [mine, lease(1)],
      workerId: 'me',
      liveWorkers: ['me'],
      nowMs: NOW,
      isHeld: (l) => l.shardId === mine.shardId,
      random: seeded(1),
    });
    expect(plan.free.map((l) => l.shardId)).toEqual([lease(1).shardId]);
  });

  it('steals only when nothing is free', () => {
    const withFree = planLeaseTake({ leases: spread({ a: 5 }, 1), workerId: 'me', liveWorkers: ['a', 'me'], nowMs: NOW, random: seeded(1) });
    expect(withFree.steal).toBeUndefined();
    const without = planLeaseTake({ leases: spread({ a: 6 }), workerId: 'me', liveWorkers: ['a', 'me'], nowMs: NOW, random: seeded(1) });
    expect(without.steal?.owner).toBe('a');
  });

  it('steals one lease from the most loaded worker when a new worker joins', () => {
    // Arrange: 8 leases on b and c (4 each), a third worker joins: target 3.
    const leases = spread({ b: 4, c: 4 });
    // Act
    const plan = planLeaseTake({ leases, workerId: 'me', liveWorkers: ['b', 'c', 'me'], nowMs: NOW, random: seeded(7) });
    // Assert: one lease (not three), from b or c.
    expect(plan.needed).toBe(3);
    expect(['b', 'c']).toContain(plan.steal?.owner);
  });
});

describe('chooseLeaseToSteal', () => {
  const choose = (spec: Record<string, number>, fair: number, needed: number, random = seeded(3)) => {
    const leases = spread(spec);
    return chooseLeaseToSteal(leases, countHeld(leases, NOW), { workerId: 'me', fairShare: fair, needed, nowMs: NOW, random });
  };

  it('steals from a worker above the fair share', () => {
    expect(choose({ a: 4, b: 3, me: 1 }, 3, 2)?.owner).toBe('a');
  });

  it('does not steal from a worker at the fair share when one short (3/3/2 is balanced)', () => {
    expect(choose({ a: 3, b: 3, me: 2 }, 3, 1)).toBeUndefined();
  });

  it('steals one from a worker at the fair share when two or more short (KCL: 3/3/1 becomes 3/2/2)', () => {
    expect(['a', 'b']).toContain(choose({ a: 3, b: 3, me: 1 }, 3, 2)?.owner);
  });

  it('never steals from itself, nor when nothing is needed', () => {
    expect(choose({ me: 5, a: 1 }, 3, 0)).toBeUndefined();
    expect(choose({ me: 5 }, 3, 1)).toBeUndefined();
  });

  it('picks among the most loaded workers at random', () => {
    const owners = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => choose({ a: 5, b: 5, me: 0 }, 4, 4, seeded(seed))?.owner));
    expect(owners).toEqual(new Set(['a', 'b']));
  });

  it('never picks an expired lease', () => {
    const leases = [lease(0, 'a', true), lease(1, 'a'), lease(2, 'a'), lease(3, 'a'), lease(4, 'a')];
    for (const seed of [1, 2, 3, 4, 5]) {
      const stolen = chooseLeaseToSteal(leases, countHeld(leases, NOW), { workerId: 'me', fairShare: 2, needed: 2, nowMs: NOW, random: seeded(seed) });
      expect(stolen?.shardId).not.toBe(leases[0]!.shardId);
    }
  });
});

describe('planLeaseTake over the whole installation (every mapping counts for the fair share)', () => {
  /** One lease of its own one-shard mapping `m<n>`, held by `owner` (unexpired) with `throughput` records/s. */
  function single(n: number, owner?: string, throughput?: number): ShardLease {
    return { ...lease(0, owner), scope: { mappingId: `m${n}`, streamIdentity: 's|1' }, token: owner === undefined ? undefined : `t-m${n}`, throughput };
  }
  const inMapping = (n: number) => (l: ShardLease) => l.scope.mappingId === `m${n}`;

  it('counts the share over every mapping: a process with its share of one-shard mappings takes no more', () => {
    // Arrange: 6 one-shard mappings, 3 workers; `me` already holds 2 (the share), 2 are free.
    const leases = [single(0, 'me'), single(1, 'me'), single(2, 'a'), single(3, 'b'), single(4), single(5)];
    // Act
    const plan = planLeaseTake({ leases, takeable: inMapping(4), workerId: 'me', liveWorkers: ['me', 'a', 'b'], nowMs: NOW, random: seeded(1) });
    // Assert: per mapping the share would be ceil(1/3) = 1 and `me` would take mapping 4's lease too.
    expect(plan).toMatchObject({ fairShare: 2, held: 2, needed: 0, free: [], steal: undefined });
  });

  it('takes only leases of the scope at hand, up to the installation-wide share', () => {
    const leases = [single(0, 'a'), single(1, 'a'), single(2), single(3)];
    const plan = planLeaseTake({ leases, takeable: inMapping(3), workerId: 'me', liveWorkers: ['me', 'a'], nowMs: NOW, random: seeded(1) });
    expect(plan.needed).toBe(2);
    expect(plan.free.map((l) => l.scope.mappingId)).toEqual(['m3']);
  });

  it('steals nothing while any lease of any mapping is free', () => {
    const leases = [single(0, 'a'), single(1, 'a'), single(2, 'a'), single(3, 'a'), single(4)];
    const plan = planLeaseTake({ leases, takeable: inMapping(0), workerId: 'me', liveWorkers: ['me', 'a'], nowMs: NOW, random: seeded(1) });
    expect(plan.free).toEqual([]);
    expect(plan.steal).toBeUndefined();
  });

  it('steals from the busiest worker only in the scope at hand; in another scope its round finds them', () => {
    const leases = [single(0, 'a'), single(1, 'a'), single(2, 'a'), single(3, 'b')];
    const input = { leases, workerId: 'me', liveWorkers: ['me', 'a', 'b'], nowMs: NOW, random: seeded(1) };
    expect(planLeaseTake({ ...input, takeable: inMapping(3) }).steal).toBeUndefined();
    expect(planLeaseTake({ ...input, takeable: inMapping(1) })).toMatchObject({ steal: leases[1], stealReason: 'count' });
  });

  it('moves nothing once the round has moved a lease', () => {
    const leases = [single(0, 'a'), single(1, 'a'), single(2, 'a')];
    const plan = planLeaseTake({ leases, takeable: inMapping(1), workerId: 'me', liveWorkers: ['me', 'a'], nowMs: NOW, random: seeded(1), mayMove: false });
    expect(plan).toMatchObject({ needed: 2, steal: undefined });
  });
});

describe('planLeaseTake by load, once the counts are fair (KCL 3)', () => {
  /** `owner`'s lease `n` in mapping m (one scope), with `throughput` records/s. */
  const loaded = (n: number, owner: string, throughput: number): ShardLease => ({ ...lease(n, owner), throughput });
  /** 10 leases on 3 workers (share 4): `a` holds 4 with the loads given, `b` and `me` 3 idle ones each. */
  const fleet = (aLoads: number[]): ShardLease[] => [
    ...aLoads.map((load, i) => loaded(i, 'a', load)),
    ...[4, 5, 6].map((n) => loaded(n, 'b', 0)),
    ...[7, 8, 9].map((n) => loaded(n, 'me', 0)),
  ];
  const plan = (leases: ShardLease[], workerId = 'me') => planLeaseTake({ leases, workerId, liveWorkers: ['a', 'b', 'me'], nowMs: NOW, random: seeded(1) });

  it('takes from the busiest worker the lease closest to half the gap, keeping the counts fair (4/3/3 to 3/4/3)', () => {
    const leases = fleet([30, 20, 10, 0]);
    expect(plan(leases)).toMatchObject({ fairShare: 4, held: 3, needed: 1, steal: leases[0], stealReason: 'load' });
  });

  it('never takes a lease as loaded as the whole gap, which would only turn the imbalance round', () => {
    // a: 50 over 4 leases, me: 0; the gap is 50 and a's one loaded lease carries all of it.
    expect(plan(fleet([50, 0, 0, 0])).steal).toBeUndefined();
  });

  it('moves nothing for a gap under the threshold, nor for a record or so of noise', () => {
    const under = fleet([30, 20, 10, 0]).map((l) => (l.owner === 'me' ? { ...l, throughput: 19 } : l));
    // Loads 60/0/57: the mean is 39, and a gap of 3 is under 10% of it (3.9).
    expect(plan(under).steal).toBeUndefined();
    expect(plan(fleet([0.5, 0.3, 0, 0])).steal).toBeUndefined();
  });

  it('never takes by load when at the fair share, nor from a worker holding no more leases than it', () => {
    // b is busy but holds 3 like me: taking one would make it 4/2/4.
    const leases = [...[0, 1, 2, 3].map((n) => loaded(n, 'a', 0)), ...[4, 5, 6].map((n) => loaded(n, 'b', 40)), ...[7, 8, 9].map((n) => loaded(n, 'me', 0))];
    expect(plan(leases).steal).toBeUndefined();
    // a itself is at the share of 4: it takes nothing by load.
    expect(plan(fleet([30, 20, 10, 0]), 'a').steal).toBeUndefined();
  });
});
