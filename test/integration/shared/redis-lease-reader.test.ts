import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisLeaseReader, createRedisKeys } from '@sluice/shared';
import { RedisLeaseStore } from '../../../services/poller/src/leases/redis-lease-store.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';

// The dashboard's read side of the leases: what the poller's own store wrote, read back through
// the shared key layout (stream identities with ':' and '@' in them), without the poller package.
const stack = inject('stack');
const prefix = uniqueName('lease-reader');
const keys = createRedisKeys(prefix);
let redis: Redis;

beforeAll(() => {
  redis = new Redis(stack.redisUrl);
});
afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('RedisLeaseReader', () => {
  it("reads every mapping's leases under every stream identity, with owner, expiry on Redis's clock and checkpoint", async () => {
    const store = new RedisLeaseStore(redis, keys);
    const [a, b, none] = [uniqueName('map'), uniqueName('map'), uniqueName('map')];
    const old = { mappingId: a, streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1700000000000' };
    const current = { mappingId: a, streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1800000000000' };
    await store.ensureLeases(old, [{ shardId: 'shardId-000000000000', parentShardIds: [] }]);
    await store.ensureLeases(current, [
      { shardId: 'shardId-000000000001', parentShardIds: [] },
      { shardId: 'shardId-000000000000', parentShardIds: [] },
      { shardId: 'shardId-000000000002', parentShardIds: ['shardId-000000000000', 'shardId-000000000001'] },
    ]);
    await store.ensureLeases({ mappingId: b, streamIdentity: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2024-01-01T00:00:00.000' }, [
      { shardId: 'shardId-0001', parentShardIds: [] },
    ]);
    const [first] = await store.listLeases(current);
    const taken = (await store.takeLease(first!, 'worker-1', 60_000))!;
    expect(await store.checkpoint(taken, '49590338271490256608559692538361571095921575989136588898')).toBe('written');

    const reading = await new RedisLeaseReader(redis, keys).read([a, b, none]);

    const now = Date.now();
    expect(Math.abs(reading.nowMs - now)).toBeLessThan(5_000);
    expect(reading.byMapping.get(none)).toEqual([]);
    expect(reading.byMapping.get(b)).toEqual([
      { streamIdentity: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2024-01-01T00:00:00.000', shardId: 'shardId-0001', parentShardIds: [], owner: undefined, expiresAtMs: 0, checkpoint: undefined },
    ]);
    const leases = reading.byMapping.get(a)!;
    expect(leases.map((l) => [l.shardId, l.streamIdentity.slice(-13)])).toEqual([
      ['shardId-000000000000', '1700000000000'],
      ['shardId-000000000000', '1800000000000'],
      ['shardId-000000000001', '1800000000000'],
      ['shardId-000000000002', '1800000000000'],
    ]);
    const held = leases[1]!;
    expect(held).toMatchObject({ owner: 'worker-1', checkpoint: '49590338271490256608559692538361571095921575989136588898', parentShardIds: [] });
    expect(held.expiresAtMs - reading.nowMs).toBeGreaterThan(50_000);
    expect(leases[3]!.parentShardIds).toEqual(['shardId-000000000000', 'shardId-000000000001']);
  });

  it('reads nothing for no mappings, and a mapping whose leases were deleted reads empty', async () => {
    const store = new RedisLeaseStore(redis, keys);
    const gone = uniqueName('map');
    await store.ensureLeases({ mappingId: gone, streamIdentity: 'x' }, [{ shardId: 'shardId-000000000000', parentShardIds: [] }]);
    await store.deleteMapping(gone);
    const reader = new RedisLeaseReader(redis, keys);
    expect((await reader.read([])).byMapping.size).toBe(0);
    expect((await reader.read([gone])).byMapping.get(gone)).toEqual([]);
  });
});
