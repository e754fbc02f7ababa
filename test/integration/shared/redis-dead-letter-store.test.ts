import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisDeadLetterStore, createRedis, createRedisKeys, deadLetterId, type DeadLetter, type StreamFailureRecord } from '@sluice/shared';
import '../../helpers/test-stack.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';

const MAPPING_A = 'a1b2c3d4-0000-4000-8000-00000000000a';
const MAPPING_B = 'a1b2c3d4-0000-4000-8000-00000000000b';
const T0 = 1_760_000_000_000;

function failureRecord(functionName: string): StreamFailureRecord {
  return {
    requestContext: { requestId: randomUUID(), functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
    responseContext: { statusCode: 500, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date(T0).toISOString(),
    KinesisBatchInfo: {
      shardId: 'shardId-000000000000',
      startSequenceNumber: '1',
      endSequenceNumber: '2',
      approximateArrivalOfFirstRecord: new Date(T0).toISOString(),
      approximateArrivalOfLastRecord: new Date(T0).toISOString(),
      batchSize: 2,
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders',
    },
  } as StreamFailureRecord;
}

function entry(i: number, mappingId = MAPPING_A, functionName = 'orders'): Omit<DeadLetter, 'replays' | 'lastReplay'> {
  return {
    id: deadLetterId(T0 + i, randomUUID()),
    kind: 'stream-batch',
    mappingId,
    functionName,
    createdAt: T0 + i,
    failureRecord: failureRecord(functionName),
    payload: { Records: [{ n: i }, { n: i, more: [] }] },
  };
}

describe('RedisDeadLetterStore', () => {
  const { redisUrl } = inject('stack');
  let prefix: string;
  let redis: Redis;
  let store: RedisDeadLetterStore;

  beforeEach(() => {
    prefix = uniqueName('dead-letters');
    redis = createRedis(redisUrl);
    store = new RedisDeadLetterStore(redis, createRedisKeys(prefix), 1024);
  });
  afterEach(async () => {
    await redis.quit();
    await deleteRedisPrefix(redisUrl, prefix);
  });

  async function listAll(query: { mappingId?: string; functionName?: string }, limit: number) {
    const pages: string[][] = [];
    let marker: string | undefined;
    do {
      const page = await store.list({ ...query, ...(marker === undefined ? {} : { marker }), limit });
      pages.push(page.deadLetters.map((d) => d.id));
      marker = page.nextMarker;
    } while (marker !== undefined);
    return pages;
  }

  it('parks an entry once and reads it back whole', async () => {
    const e = entry(1);
    await store.park(e);
    await store.park({ ...e, payload: { Records: [] } });
    expect(await store.get(e.id)).toEqual({ ...e, replays: 0 });
    const page = await store.list({ limit: 10 });
    expect(page).toEqual({ deadLetters: [{ ...e, payload: undefined, recordCount: 2, payloadOmitted: false, replays: 0 }].map(({ payload: _p, ...rest }) => rest) });
  });

  it('pages newest first with a marker, filtered by mapping, function or both', async () => {
    const parked = [entry(1), entry(2, MAPPING_B), entry(3, MAPPING_A, 'billing'), entry(4), entry(5, MAPPING_B, 'billing'), entry(6)];
    for (const e of [...parked].reverse()) await store.park(e);
    const ids = (...is: number[]) => is.map((i) => parked[i - 1]!.id);

    expect(await listAll({}, 4)).toEqual([ids(6, 5, 4, 3), ids(2, 1)]);
    expect(await listAll({}, 2)).toEqual([ids(6, 5), ids(4, 3), ids(2, 1)]);
    expect(await listAll({ mappingId: MAPPING_A }, 2)).toEqual([ids(6, 4), ids(3, 1)]);
    expect(await listAll({ functionName: 'billing' }, 5)).toEqual([ids(5, 3)]);
    expect(await listAll({ mappingId: MAPPING_A, functionName: 'orders' }, 2)).toEqual([ids(6, 4), ids(1)]);
    expect(await listAll({ mappingId: 'a1b2c3d4-0000-4000-8000-0000000000ff' }, 2)).toEqual([[]]);
    // A marker whose entry was removed in between still pages on from where it was.
    const first = await store.list({ limit: 2 });
    await store.remove(first.nextMarker!);
    expect((await store.list({ marker: first.nextMarker!, limit: 2 })).deadLetters.map((d) => d.id)).toEqual(ids(4, 3));
  });

  it('counts failed replays, removes one entry and purges a mapping or a function', async () => {
    const parked = [entry(1), entry(2, MAPPING_B), entry(3), entry(4, MAPPING_B, 'billing')];
    for (const e of parked) await store.park(e);

    expect(await store.recordReplayFailure(parked[0]!.id, { at: T0 + 10, error: 'boom' })).toBe(true);
    expect(await store.recordReplayFailure(parked[0]!.id, { at: T0 + 20, error: 'boom again' })).toBe(true);
    expect(await store.get(parked[0]!.id)).toMatchObject({ replays: 2, lastReplay: { at: T0 + 20, error: 'boom again' } });
    expect((await store.list({ limit: 10 })).deadLetters.at(-1)).toMatchObject({ replays: 2, lastReplay: { at: T0 + 20, error: 'boom again' } });

    expect(await store.remove(parked[2]!.id)).toBe(true);
    expect(await store.remove(parked[2]!.id)).toBe(false);
    expect(await store.recordReplayFailure(parked[2]!.id, { at: T0, error: 'x' })).toBe(false);
    expect(await store.get(parked[2]!.id)).toBeUndefined();

    expect(await store.purge({ mappingId: MAPPING_A })).toBe(1);
    expect((await store.list({ limit: 10 })).deadLetters.map((d) => d.id)).toEqual([parked[3]!.id, parked[1]!.id]);
    expect(await store.purge({ functionName: 'billing' })).toBe(1);
    expect(await store.purge({ mappingId: MAPPING_B })).toBe(1);
    expect(await store.list({ limit: 10 })).toEqual({ deadLetters: [] });
    expect(await redis.keys(`{${prefix}:dead-letters}*`)).toEqual([]);
  });

  it('keeps the failure record but not a payload over the size limit', async () => {
    const big = { ...entry(1), payload: { Records: [{ data: 'x'.repeat(2000) }] } };
    await store.park(big);
    const { payload: _payload, ...rest } = big;
    expect(await store.get(big.id)).toEqual({ ...rest, replays: 0 });
    expect((await store.list({ limit: 1 })).deadLetters[0]).toMatchObject({ recordCount: 1, payloadOmitted: true });
  });
});
