import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startLocalRedisCluster, type LocalRedisCluster } from '@sluice/localstack';
import { RedisLeaseReader, createRedis, createRedisKeys, leaseKeys, mastersOf } from '@sluice/shared';
import { RedisLeaseStore } from '../../../services/poller/src/leases/redis-lease-store.js';
import { uniqueName } from '../../helpers/unique-name.js';

// The lease and checkpoint scripts on a real 3-master Redis Cluster: each script's keys share one
// slot (a CROSSSLOT error would fail these), and several mappings' leases spread over the masters.
describe('leases and checkpoints on a Redis Cluster', () => {
  let cluster: LocalRedisCluster;
  let redis: Redis;
  const keys = createRedisKeys(uniqueName('cluster'));

  beforeAll(async () => {
    cluster = await startLocalRedisCluster();
    redis = createRedis(cluster.url);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('takes, renews (with the heartbeat, across slots), checkpoints forward only, reads and deletes leases of many mappings', async () => {
    // Arrange
    const store = new RedisLeaseStore(redis, keys);
    const scopes = Array.from({ length: 12 }, (_, i) => ({ mappingId: `map-${i}`, streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1' }));
    for (const scope of scopes) await store.ensureLeases(scope, [{ shardId: 'shardId-000000000000', parentShardIds: [] }]);

    // Act
    const taken = await Promise.all(scopes.map(async (scope) => (await store.takeLease((await store.listLeases(scope))[0]!, 'w1', 10_000))!));
    const renewal = await store.renewLeases(taken, 10_000, 'w1');
    const forward = await store.checkpoint(taken[0]!, '200');
    const backward = await store.checkpoint(taken[0]!, '100');
    const reading = await new RedisLeaseReader(redis, keys).read(scopes.map((s) => s.mappingId));
    const spread = await Promise.all(mastersOf(redis).map((node) => node.dbsize()));
    await store.deleteMapping('map-0');

    // Assert
    expect(taken.every((lease) => lease.owner === 'w1')).toBe(true);
    expect(renewal.lost).toEqual([]);
    expect(await redis.zscore(leaseKeys(keys).workers, 'w1')).not.toBeNull();
    expect([forward, backward]).toEqual(['written', 'not-forward']);
    expect(reading.byMapping.get('map-0')).toMatchObject([{ owner: 'w1', checkpoint: '200' }]);
    expect([...reading.byMapping.values()].every((leases) => leases.length === 1 && leases[0]!.expiresAtMs > reading.nowMs)).toBe(true);
    expect(spread.filter((n) => n > 0).length).toBeGreaterThan(1);
    expect(await store.listLeases(scopes[0]!)).toEqual([]);
    expect(await store.listLeases(scopes[1]!)).toHaveLength(1);
  });
});
