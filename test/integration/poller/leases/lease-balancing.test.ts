import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createRedisKeys } from '@sluice/shared';
import { RedisLeaseClock } from '../../../../services/poller/src/leases/redis-lease-clock.js';
import { RedisLeaseStore } from '../../../../services/poller/src/leases/redis-lease-store.js';
import type { LeaseScope } from '../../../../services/poller/src/leases/shard-lease.js';
import { deleteRedisPrefix } from '../../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../../helpers/unique-name.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { InProcessWorker } from './in-process-worker.js';

const stack = inject('stack');
const TTL = 800;
const TAKE_INTERVAL = 100;
const SHARDS = 8;

describe('lease balancing between poller processes (real Redis)', () => {
  let prefix: string;
  let scope: LeaseScope;
  let redis: Redis;
  let store: RedisLeaseStore;
  let clock: RedisLeaseClock;
  let workers: InProcessWorker[];

  beforeEach(async () => {
    prefix = uniqueName('balance');
    scope = { mappingId: uniqueName('map'), streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1' };
    redis = new Redis(stack.redisUrl);
    store = new RedisLeaseStore(redis, createRedisKeys(prefix));
    clock = new RedisLeaseClock(redis);
    workers = [];
    const shards = Array.from({ length: SHARDS }, (_, i) => ({ shardId: `shardId-${String(i).padStart(12, '0')}`, parentShardIds: [] }));
    await store.ensureLeases(scope, shards);
  });

  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    redis.disconnect();
    await deleteRedisPrefix(stack.redisUrl, prefix);
  });

  function worker(id: string): InProcessWorker {
    const w = new InProcessWorker(`${id}-${prefix}`, { redisUrl: stack.redisUrl, prefix, ttlMs: TTL });
    workers.push(w);
    return w;
  }

  /** Unexpired leases per worker (by Redis's clock), 0 for workers holding none. */
  async function distribution(): Promise<Map<InProcessWorker, number>> {
    const [leases, now] = await Promise.all([store.listLeases(scope), clock.nowMs()]);
    const counts = new Map(workers.map((w) => [w, 0]));
    for (const lease of leases) {
      const owner = workers.find((w) => w.id === lease.owner);
      if (owner !== undefined && lease.expiresAtMs > now) counts.set(owner, counts.get(owner)! + 1);
    }
    return counts;
  }

  async function waitForCounts(expected: number[], among: InProcessWorker[], message: string): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        const counts = await distribution();
        const got = among.map((w) => counts.get(w)!).sort();
        last = JSON.stringify(got);
        return JSON.stringify(got) === JSON.stringify([...expected].sort());
      },
      { timeoutMs: 10_000, intervalMs: 25, message: () => `${message}; last ${last}` },
    );
  }

  /** Every lease is held (renewer) by exactly the worker Redis names as its owner. */
  async function heldMatchesRedis(among: InProcessWorker[]): Promise<boolean> {
    const leases = await store.listLeases(scope);
    return leases.every((lease) => {
      const holders = among.filter((w) => w.coordinator.renewer.isHeld(lease)).map((w) => w.id);
      return holders.length === 1 && holders[0] === lease.owner;
    });
  }

  it('spreads 8 leases over 3 workers 3/3/2 without stealing, and then stays put', async () => {
    // Arrange
    const [a, b, c] = [worker('a'), worker('b'), worker('c')];
    await Promise.all([a, b, c].map((w) => w.register()));

    // Act
    for (const w of [a, b, c]) w.startTaking(scope, TAKE_INTERVAL);
    await waitForCounts([3, 3, 2], [a, b, c], 'leases never spread 3/3/2');
    const settled = (await store.listLeases(scope)).map((l) => [l.shardId, l.owner, l.token]);
    await sleep(TAKE_INTERVAL * 5);

    // Assert
    expect([a, b, c].flatMap((w) => w.rounds.flatMap((r) => r.stolen))).toEqual([]);
    expect((await store.listLeases(scope)).map((l) => [l.shardId, l.owner, l.token])).toEqual(settled);
    await waitFor(() => heldMatchesRedis([a, b, c]), { message: 'renewers disagree with Redis' });
  });

  it('a worker that stops renewing has its leases taken over within two TTLs', async () => {
    // Arrange
    const [a, b, c] = [worker('a'), worker('b'), worker('c')];
    await Promise.all([a, b, c].map((w) => w.register()));
    for (const w of [a, b, c]) w.startTaking(scope, TAKE_INTERVAL);
    await waitForCounts([3, 3, 2], [a, b, c], 'leases never spread 3/3/2');
    const counts = await distribution();
    const victim = [a, b, c].find((w) => counts.get(w) === 3)!;
    const survivors = [a, b, c].filter((w) => w !== victim);

    // Act
    const crashedAt = Date.now();
    await victim.crash();
    await waitForCounts([4, 4], survivors, 'survivors never took over the dead worker’s leases');
    const tookMs = Date.now() - crashedAt;

    // Assert
    expect(tookMs).toBeLessThanOrEqual(2 * TTL);
    expect((await distribution()).get(victim)).toBe(0);
    await waitFor(() => heldMatchesRedis(survivors), { message: 'survivors’ renewers disagree with Redis' });
  });

  it('a new worker steals one lease at a time from the busiest until 3/3/2; the victims are told', async () => {
    // Arrange: two workers share the 8 leases 4/4.
    const [a, b] = [worker('a'), worker('b')];
    await Promise.all([a, b].map((w) => w.register()));
    for (const w of [a, b]) w.startTaking(scope, TAKE_INTERVAL);
    await waitForCounts([4, 4], [a, b], 'leases never spread 4/4');

    // Act
    const c = worker('c');
    await c.register();
    c.startTaking(scope, TAKE_INTERVAL);
    await waitForCounts([3, 3, 2], [a, b, c], 'the new worker never got its share');
    await sleep(TAKE_INTERVAL * 3);

    // Assert: every take of the newcomer was a steal, one per round at most, two in all.
    const takes = c.rounds.filter((r) => r.taken.length > 0);
    expect(takes.every((r) => r.taken.length === 1 && r.stolen.length === 1)).toBe(true);
    expect(c.rounds.flatMap((r) => r.stolen)).toHaveLength(2);
    expect((await distribution()).get(c)).toBe(2);
    // The workers it stole from learnt it at their next renewal, and stopped holding those leases.
    await waitFor(() => heldMatchesRedis([a, b, c]), { message: 'renewers disagree with Redis' });
    const lost = [...a.lost, ...b.lost];
    expect(lost.map((l) => l.reason)).toEqual(['taken', 'taken']);
    expect(lost.map((l) => l.shardId).sort()).toEqual(
      c.rounds
        .flatMap((r) => r.stolen)
        .map((l) => l.shardId)
        .sort(),
    );
  });
});
