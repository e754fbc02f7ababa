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

/**
 * Fair share over every mapping of an installation, not per mapping: 12 one-shard mappings and two
 * 4-shard ones (20 leases) over several coordinators on real Redis. Per mapping, a one-shard
 * mapping's share is ceil(1/3) = 1 lease, so whoever took it first kept it.
 */
describe('lease balancing over every mapping of an installation (real Redis)', () => {
  let prefix: string;
  let scopes: LeaseScope[];
  let redis: Redis;
  let store: RedisLeaseStore;
  let clock: RedisLeaseClock;
  let workers: InProcessWorker[];

  beforeEach(async () => {
    prefix = uniqueName('install');
    redis = new Redis(stack.redisUrl);
    store = new RedisLeaseStore(redis, createRedisKeys(prefix));
    clock = new RedisLeaseClock(redis);
    workers = [];
    const shardCounts = [...Array.from({ length: 12 }, () => 1), 4, 4];
    scopes = shardCounts.map((_, i) => ({ mappingId: uniqueName(`map${i}`), streamIdentity: `arn:aws:kinesis:us-east-1:000000000000:stream/s${i}@1` }));
    await Promise.all(
      scopes.map((scope, i) =>
        store.ensureLeases(
          scope,
          Array.from({ length: shardCounts[i]! }, (_, n) => ({ shardId: `shardId-${String(n).padStart(12, '0')}`, parentShardIds: [] })),
        ),
      ),
    );
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

  /** Unexpired leases per worker among `among`, over every mapping (by Redis's clock). */
  async function counts(among: InProcessWorker[]): Promise<number[]> {
    const [leases, now] = await Promise.all([Promise.all(scopes.map((s) => store.listLeases(s))).then((l) => l.flat()), clock.nowMs()]);
    return among.map((w) => leases.filter((l) => l.owner === w.id && l.expiresAtMs > now).length);
  }

  async function waitForSpread(among: InProcessWorker[], expected: number[], message: string): Promise<void> {
    let last: number[] = [];
    await waitFor(
      async () => {
        last = await counts(among);
        return JSON.stringify([...last].sort()) === JSON.stringify([...expected].sort());
      },
      { timeoutMs: 15_000, intervalMs: 25, message: () => `${message}; last ${JSON.stringify(last)}` },
    );
  }

  it('spreads one-shard mappings too: 20 leases held by one worker go 7/7/6 when two join, one move per round each, max/min <= 1.2', async () => {
    // Arrange: `a` alone takes every lease of the 14 mappings.
    const a = worker('a');
    await a.register();
    a.startTaking(scopes, TAKE_INTERVAL);
    await waitForSpread([a], [20], 'the only worker never took every lease');

    // Act
    const [b, c] = [worker('b'), worker('c')];
    await Promise.all([b, c].map((w) => w.register()));
    for (const w of [b, c]) w.startTaking(scopes, TAKE_INTERVAL);
    await waitForSpread([a, b, c], [7, 7, 6], 'the newcomers never got their share over all mappings');

    // Assert
    const spread = await counts([a, b, c]);
    expect(Math.max(...spread) / Math.min(...spread)).toBeLessThanOrEqual(1.2);
    // The one-shard mappings moved as well: each newcomer holds leases of them.
    const singles = new Set(scopes.slice(0, 12).map((s) => s.mappingId));
    for (const w of [b, c]) {
      const held = w.coordinator.renewer.heldLeases().filter((l) => singles.has(l.scope.mappingId));
      expect(held.length).toBeGreaterThan(0);
    }
    for (const w of [a, b, c]) expect(Math.max(0, ...w.stealsPerRound)).toBeLessThanOrEqual(1);
  });

  it('rebalances to 5/5/5/5 when a fourth joins and back to 7/7/6 when one dies', async () => {
    // Arrange
    const three = [worker('a'), worker('b'), worker('c')];
    await Promise.all(three.map((w) => w.register()));
    for (const w of three) w.startTaking(scopes, TAKE_INTERVAL);
    await waitForSpread(three, [7, 7, 6], 'three workers never spread 7/7/6');

    // Act: a fourth joins.
    const d = worker('d');
    await d.register();
    d.startTaking(scopes, TAKE_INTERVAL);
    const four = [...three, d];
    await waitForSpread(four, [5, 5, 5, 5], 'the fourth never got its share');

    // Act: one dies (stops renewing, unregisters nothing).
    const victim = three[0]!;
    const diedAt = Date.now();
    await victim.crash();
    const survivors = four.filter((w) => w !== victim);
    await waitForSpread(survivors, [7, 7, 6], 'the survivors never took the dead worker’s leases');

    // Assert: its leases were free after one TTL and taken within the next rounds.
    expect(Date.now() - diedAt).toBeLessThanOrEqual(2 * TTL + 10 * TAKE_INTERVAL);
    const spread = await counts(survivors);
    expect(Math.max(...spread) / Math.min(...spread)).toBeLessThanOrEqual(1.2);
  });
});
