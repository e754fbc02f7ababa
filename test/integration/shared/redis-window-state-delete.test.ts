import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisWindowStateStore, createRedisKeys, type WindowStateKey } from '@sluice/shared';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';

// DeleteEventSourceMapping removes a mapping's tumbling-window states along with its leases and
// checkpoints (the scheduler calls deleteMapping on both), against real Redis: every window of the
// mapping goes, under every stream incarnation and shard; other mappings' windows and keys stay.
const { redisUrl } = inject('stack');
const prefix = uniqueName('window-delete');
let redis: Redis;
let store: RedisWindowStateStore;

beforeAll(() => {
  redis = new Redis(redisUrl);
  store = new RedisWindowStateStore(redis, createRedisKeys(prefix));
});

afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(redisUrl, prefix);
});

/** Writes one state for every (incarnation, shard, window) of a mapping; the keys written. */
async function writeWindows(mappingId: string): Promise<WindowStateKey[]> {
  const keys: WindowStateKey[] = [];
  for (const streamIdentity of ['arn:aws:kinesis:us-east-1:000000000000:stream/s#1', 'arn:aws:kinesis:us-east-1:000000000000:stream/s#2']) {
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
      for (const windowStartMs of [1_700_000_000_000, 1_700_000_060_000]) {
        const key = { mappingId, streamIdentity, shardId, windowStartMs };
        expect(await store.save(key, 0, { stateJson: '{"n":1}', through: '49' })).toBe('written');
        keys.push(key);
      }
    }
  }
  return keys;
}

describe('RedisWindowStateStore.deleteMapping', () => {
  it("deletes every window state of the mapping, and nothing of other mappings (not even one whose id it prefixes)", async () => {
    const gone = await writeWindows('mapping-a');
    const kept = [...(await writeWindows('mapping-b')), ...(await writeWindows('mapping-a2'))];
    const other = createRedisKeys(prefix).key('lease', 'mapping-a', 'x', 'shardId-000000000000');
    await redis.hset(other, 'checkpoint', '49');

    expect(await store.deleteMapping('mapping-a')).toBe(gone.length);

    for (const key of gone) expect((await store.read(key)).version).toBe(0);
    for (const key of kept) expect(await store.read(key)).toMatchObject({ version: 1, stateJson: '{"n":1}' });
    expect(await redis.hget(other, 'checkpoint')).toBe('49');
    // A second delete finds nothing left.
    expect(await store.deleteMapping('mapping-a')).toBe(0);
  });
});
