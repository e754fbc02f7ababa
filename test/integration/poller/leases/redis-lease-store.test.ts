import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createRedisKeys } from '@sluice/shared';
import { RedisLeaseStore } from '../../../../services/poller/src/leases/redis-lease-store.js';
import { RedisWorkerRegistry } from '../../../../services/poller/src/leases/redis-worker-registry.js';
import { startTestRedisServer } from '../../../helpers/redis-server.js';
import { SHARD_END, type LeaseScope, type ShardLease } from '../../../../services/poller/src/leases/shard-lease.js';
import { deleteRedisPrefix } from '../../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../../helpers/unique-name.js';

const stack = inject('stack');
const TTL = 500;

describe('RedisLeaseStore', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisLeaseStore;
  let scope: LeaseScope;

  beforeAll(() => {
    redis = new Redis(stack.redisUrl);
  });
  afterAll(() => redis.disconnect());

  beforeEach(() => {
    // Each test its own installation prefix (deleted after it) and mapping.
    prefix = uniqueName('lease');
    store = new RedisLeaseStore(redis, createRedisKeys(prefix));
    scope = { mappingId: uniqueName('map'), streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders@1700000000' };
  });
  afterEach(async () => {
    await deleteRedisPrefix(stack.redisUrl, prefix);
  });

  /** One renewal round of one lease: the lease with its new expiry, or undefined when it was lost. */
  async function renew(lease: ShardLease): Promise<ShardLease | undefined> {
    const { nowMs, lost } = await store.renewLeases([lease], TTL);
    return lost.length > 0 ? undefined : { ...lease, expiresAtMs: nowMs + TTL };
  }

  async function oneLease(shardId = 'shardId-000000000000', parents: string[] = []): Promise<ShardLease> {
    await store.ensureLeases(scope, [{ shardId, parentShardIds: parents }]);
    const lease = (await store.listLeases(scope)).find((l) => l.shardId === shardId);
    if (lease === undefined) throw new Error('lease not created');
    return lease;
  }

  it('creates leases unowned and without checkpoint, once, and lists them', async () => {
    // Act
    await store.ensureLeases(scope, [
      { shardId: 'shardId-000000000000', parentShardIds: [] },
      { shardId: 'shardId-000000000002', parentShardIds: ['shardId-000000000000', 'shardId-000000000001'] },
    ]);
    const [first] = await store.listLeases(scope);
    const taken = await store.takeLease(first!, 'w1', TTL);
    await store.checkpoint(taken!, '5');
    await store.ensureLeases(scope, [{ shardId: 'shardId-000000000000', parentShardIds: [] }]);

    // Assert: the second ensure changed nothing of the existing lease.
    const leases = await store.listLeases(scope);
    expect(leases.map((l) => [l.shardId, l.parentShardIds, l.owner, l.checkpoint])).toEqual([
      ['shardId-000000000000', [], 'w1', '5'],
      ['shardId-000000000002', ['shardId-000000000000', 'shardId-000000000001'], undefined, undefined],
    ]);
    expect(leases[1]).toMatchObject({ counter: 0, expiresAtMs: 0, token: undefined });
  });

  it('takes, renews (same token, expiry on Redis time, as listed) and releases keeping the checkpoint', async () => {
    // Arrange
    const lease = await oneLease();
    const [seconds] = await redis.time();

    // Act
    const taken = await store.takeLease(lease, 'w1', TTL);
    await sleep(20);
    const renewed = await renew(taken!);
    const [listed] = await store.listLeases(scope);
    await store.checkpoint(renewed!, '100');
    await store.releaseLease(renewed!);

    // Assert
    expect(taken).toMatchObject({ owner: 'w1', counter: 1 });
    expect(taken!.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(taken!.expiresAtMs - (Number(seconds) * 1000 + TTL))).toBeLessThan(1500);
    expect(renewed!.expiresAtMs).toBeGreaterThan(taken!.expiresAtMs);
    expect(listed).toMatchObject({ owner: 'w1', token: taken!.token, counter: 1, expiresAtMs: renewed!.expiresAtMs });
    const [released] = await store.listLeases(scope);
    expect(released).toMatchObject({ owner: undefined, token: undefined, counter: 2, expiresAtMs: 0, checkpoint: '100' });
  });

  it('renews every lease of a process in one script, the heartbeat included: one ZADD per scope, not a script per lease', async () => {
    // Arrange: a Redis of the test's own, so its command counts are this test's alone; 12 leases in 3 scopes.
    const own = await startTestRedisServer();
    const client = new Redis(own.url);
    try {
      const keys = createRedisKeys(prefix);
      const ownStore = new RedisLeaseStore(client, keys);
      const scopes = [0, 1, 2].map((n) => ({ ...scope, mappingId: `${scope.mappingId}-${n}` }));
      const held: ShardLease[] = [];
      for (const s of scopes) {
        await ownStore.ensureLeases(s, [0, 1, 2, 3].map((n) => ({ shardId: `shardId-00000000000${n}`, parentShardIds: [] })));
        for (const lease of await ownStore.listLeases(s)) held.push((await ownStore.takeLease(lease, 'w1', TTL))!);
      }
      const stolen = (await ownStore.takeLease((await ownStore.listLeases(scopes[0]!))[0]!, 'w2', TTL))!;
      await ownStore.renewLeases([], TTL); // loads the script (EVAL once), so the round below is EVALSHA
      await client.config('RESETSTAT');

      // Act
      const renewal = await ownStore.renewLeases(held, TTL, 'w1');

      // Assert: TIME, the heartbeat's ZREMRANGEBYSCORE and ZADD, a ZADD per scope, a ZMSCORE for the scope that lost one.
      expect(renewal.lost.map((l) => l.token)).toEqual([held.find((l) => l.shardId === stolen.shardId && l.scope === scopes[0])!.token]);
      const stats = await client.info('commandstats');
      const calls = Object.fromEntries([...stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].map(([, name, n]) => [name, Number(n)]));
      expect(calls).toEqual({ evalsha: 1, time: 1, zremrangebyscore: 1, zadd: 4, zmscore: 1 });
      expect(await new RedisWorkerRegistry(client, keys).liveWorkers()).toEqual(['w1']);
    } finally {
      client.disconnect();
      await own.stop();
    }
  });

  it('a take is conditional on the counter read: of two racing takers one wins, and a renewal in between fails a take', async () => {
    // Arrange
    const lease = await oneLease();

    // Act
    const [a, b] = await Promise.all([store.takeLease(lease, 'a', TTL), store.takeLease(lease, 'b', TTL)]);
    const held = (a ?? b)!;
    const [read] = await store.listLeases(scope);
    await sleep(5); // a renewal in another millisecond: a new expiry
    await renew(held);
    const steal = await store.takeLease(read!, 'c', TTL);

    // Assert
    expect([a, b].filter((x) => x !== undefined)).toHaveLength(1);
    expect(steal).toBeUndefined();
    expect((await store.listLeases(scope))[0]?.owner).toBe(held.owner);
  });

  it('an expired lease is taken over, and the old holder can neither renew, checkpoint nor release it', async () => {
    // Arrange
    const old = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    await store.checkpoint(old, '10');

    // Act: w1 stops renewing; after the ttl w2 takes the lease.
    await sleep(TTL + 50);
    const [expired] = await store.listLeases(scope);
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Number(micros) / 1000;
    const taken = await store.takeLease(expired!, 'w2', TTL);

    // Assert
    expect(expired!.expiresAtMs).toBeLessThanOrEqual(now);
    expect(taken).toMatchObject({ owner: 'w2', checkpoint: '10' });
    expect(await store.checkpoint(old, '20')).toBe('lease-lost');
    expect(await renew(old)).toBeUndefined();
    await store.releaseLease(old);
    expect((await store.listLeases(scope))[0]).toMatchObject({ owner: 'w2', token: taken!.token, checkpoint: '10' });
    expect(await store.checkpoint(taken!, '20')).toBe('written');
  });

  it('fences by token, not only owner: a restarted process with the same worker id cannot write with the old token', async () => {
    // Arrange
    const first = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    await store.releaseLease(first);
    const [free] = await store.listLeases(scope);
    const second = (await store.takeLease(free!, 'w1', TTL))!;

    // Act / Assert
    expect(second.token).not.toBe(first.token);
    expect(await store.checkpoint(first, '7')).toBe('lease-lost');
    expect(await renew(first)).toBeUndefined();
    expect(await store.checkpoint(second, '7')).toBe('written');
  });

  it('records the batch layout fenced like a checkpoint: the next owner reads it, a released lease keeps it, the old holder cannot overwrite it', async () => {
    // Arrange: no layout on a new lease (a poller then records the mapping's).
    const fresh = await oneLease();
    expect(fresh.layout).toBeUndefined();
    const first = (await store.takeLease(fresh, 'w1', TTL))!;

    // Act
    expect(await store.recordLayout(first, { tumblingWindowInSeconds: 0, parallelizationFactor: 1 })).toBe('written');
    await store.releaseLease(first);
    const [released] = await store.listLeases(scope);
    const second = (await store.takeLease(released!, 'w2', TTL))!;

    // Assert
    expect(second).toMatchObject({ owner: 'w2', layout: { tumblingWindowInSeconds: 0, parallelizationFactor: 1 } });
    expect(await store.recordLayout(first, { tumblingWindowInSeconds: 0, parallelizationFactor: 7 })).toBe('lease-lost');
    expect(await store.recordLayout(second, { tumblingWindowInSeconds: 0, parallelizationFactor: 4 })).toBe('written');
    expect((await store.listLeases(scope))[0]!.layout).toEqual({ tumblingWindowInSeconds: 0, parallelizationFactor: 4 });
  });

  it('an expired lease nobody took is still renewable and checkpointable by its holder (as in KCL)', async () => {
    const held = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    await sleep(TTL + 50);
    expect(await store.checkpoint(held, '3')).toBe('written');
    expect(await renew(held)).toMatchObject({ owner: 'w1', token: held.token });
    expect((await store.listLeases(scope))[0]!.expiresAtMs).toBeGreaterThan(held.expiresAtMs);
  });

  it('checkpoints only move forward, comparing long sequence numbers exactly', async () => {
    // Arrange: 56-digit numbers that differ only in the last digit (a double would round them together).
    const held = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    const base = '4955905843591245871432568271957893458793458728888888888';
    const lower = `${base}1`;
    const higher = `${base}2`;
    expect(lower).toHaveLength(56);
    expect(Number(lower)).toBe(Number(higher));

    // Act / Assert
    expect(await store.checkpoint(held, lower)).toBe('written');
    expect(await store.checkpoint(held, higher)).toBe('written');
    expect(await store.checkpoint(held, lower)).toBe('not-forward');
    expect(await store.checkpoint(held, higher)).toBe('written'); // the same one again: a retried write
    expect(await store.checkpoint(held, '9'.repeat(55))).toBe('not-forward'); // shorter is smaller
    expect(await store.checkpoint(held, `1${'0'.repeat(56)}`)).toBe('written'); // longer is larger
    expect((await store.listLeases(scope))[0]?.checkpoint).toBe(`1${'0'.repeat(56)}`);
  });

  it('ignores leading zeros when comparing (DynamoDB Local pads its sequence numbers) and stores what it was given', async () => {
    const held = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    expect(await store.checkpoint(held, '000000000000000000027')).toBe('written');
    expect(await store.checkpoint(held, '9')).toBe('not-forward');
    expect(await store.checkpoint(held, '28')).toBe('written');
    expect(await store.checkpoint(held, '000000000000000000027')).toBe('not-forward');
    expect((await store.listLeases(scope))[0]?.checkpoint).toBe('28');
  });

  it('SHARD_END is after every number and final', async () => {
    const held = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    expect(await store.checkpoint(held, '9'.repeat(60))).toBe('written');
    expect(await store.checkpoint(held, SHARD_END)).toBe('written');
    expect(await store.checkpoint(held, '9'.repeat(80))).toBe('not-forward');
    expect(await store.checkpoint(held, SHARD_END)).toBe('written');
    expect((await store.listLeases(scope))[0]?.checkpoint).toBe(SHARD_END);
  });

  it('refuses a checkpoint that is not a sequence number, before touching Redis', async () => {
    const held = (await store.takeLease(await oneLease(), 'w1', TTL))!;
    for (const bad of ['', '12a', '-1', '1.5', 'LATEST', 'shard_end', ' 1']) {
      await expect(store.checkpoint(held, bad), bad).rejects.toThrow(RangeError);
    }
    expect((await store.listLeases(scope))[0]?.checkpoint).toBeUndefined();
  });

  it('two stream identities of one mapping never see each other’s leases or checkpoints', async () => {
    // Arrange: the stream was deleted and created again under the same ARN.
    const before = scope;
    const after = { ...scope, streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders@1800000000' };
    const shard = { shardId: 'shardId-000000000000', parentShardIds: [] };
    await store.ensureLeases(before, [shard]);
    await store.ensureLeases(after, [shard]);

    // Act
    const old = (await store.takeLease((await store.listLeases(before))[0]!, 'w1', TTL))!;
    await store.checkpoint(old, '999999');
    const fresh = (await store.listLeases(after))[0]!;

    // Assert
    expect(fresh).toMatchObject({ owner: undefined, checkpoint: undefined, counter: 0 });
    const renewedOld = await renew({ ...old, scope: after });
    expect(renewedOld).toBeUndefined();
    expect(await store.checkpoint({ ...old, scope: after }, '1000000')).toBe('lease-lost');
    expect((await store.listLeases(before))[0]?.checkpoint).toBe('999999');
    expect((await store.listLeases(after))[0]?.checkpoint).toBeUndefined();
  });

  it('deleteMapping removes every lease, checkpoint and index of the mapping under every identity, and nothing else', async () => {
    // Arrange
    const other = { mappingId: uniqueName('map'), streamIdentity: scope.streamIdentity };
    const second = { ...scope, streamIdentity: `${scope.streamIdentity}-recreated` };
    const shards = [0, 1, 2].map((n) => ({ shardId: `shardId-00000000000${n}`, parentShardIds: [] }));
    await store.ensureLeases(scope, shards);
    await store.ensureLeases(second, shards);
    await store.ensureLeases(other, shards);
    const held = (await store.takeLease((await store.listLeases(scope))[0]!, 'w1', TTL))!;
    await store.checkpoint(held, '42');

    // Act
    await store.deleteMapping(scope.mappingId);

    // Assert
    expect(await store.listLeases(scope)).toEqual([]);
    expect(await store.listLeases(second)).toEqual([]);
    expect(await store.listLeases(other)).toHaveLength(3);
    const left = await keysUnder(redis, prefix);
    expect(left.length).toBeGreaterThan(0);
    expect(left.filter((k) => k.includes(encodeURIComponent(scope.mappingId)))).toEqual([]);
    expect(await store.checkpoint(held, '43')).toBe('lease-lost');
    expect(await renew(held)).toBeUndefined();
  });

  it('lists the leases this process holds as it holds them, reading only the others from Redis', async () => {
    // Arrange
    await store.ensureLeases(scope, [0, 1].map((n) => ({ shardId: `shardId-00000000000${n}`, parentShardIds: [] })));
    const [first, second] = await store.listLeases(scope);
    const mine = (await store.takeLease(first!, 'w1', TTL))!;
    const theirs = (await store.takeLease(second!, 'w2', TTL))!;
    const asHeld = { ...mine, expiresAtMs: 42 };

    // Act
    const listed = await store.listLeases(scope, new Map([[mine.shardId, asHeld]]));

    // Assert
    expect(listed).toEqual([asHeld, theirs]);
  });

  it('a renewal writes the throughputs reported with it, only on leases still held by the token given', async () => {
    // Arrange: two leases held by `a`; then `b` takes the second one over.
    await store.ensureLeases(scope, ['shardId-000000000000', 'shardId-000000000001'].map((shardId) => ({ shardId, parentShardIds: [] })));
    const [first, second] = await Promise.all((await store.listLeases(scope)).map(async (l) => (await store.takeLease(l, 'a', TTL))!));
    const taken = (await store.takeLease({ ...second!, expiresAtMs: (await store.listLeases(scope))[1]!.expiresAtMs }, 'b', TTL))!;
    expect(taken.owner).toBe('b');

    // Act
    const renewal = await store.renewLeases([first!, second!], TTL, undefined, new Map([[first!, 42.5], [second!, 7]]));

    // Assert: the held one carries its rate; the lost one keeps none and reads as lost.
    expect(renewal.lost).toEqual([second]);
    const read = await store.listLeases(scope);
    expect(read.map((l) => [l.owner, l.throughput])).toEqual([
      ['a', 42.5],
      ['b', undefined],
    ]);
  });
});

/** The keys of one installation prefix, `{prefix}` and `{prefix:...}` (SCAN: the Redis is shared, KEYS would block it). */
async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}[}:]*`, 'COUNT', 500);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out;
}
