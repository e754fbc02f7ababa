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
