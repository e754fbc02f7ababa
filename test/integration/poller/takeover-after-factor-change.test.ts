import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createLogger, createRedisKeys, createSluiceMetrics, streamBatchJobId, type StreamMapping } from '@sluice/shared';
import { ShardPoller } from '../../../services/poller/src/consumer/shard-poller.js';
import { RedisLeaseStore } from '../../../services/poller/src/leases/redis-lease-store.js';
import type { LeaseScope, ShardLease } from '../../../services/poller/src/leases/shard-lease.js';
import { KinesisSource } from '../../../services/poller/src/sources/kinesis-source.js';
import { SharedQueue } from '../../unit/services/poller/fakes/shared-queue.js';
import { buildEventSourceMapping } from '../../helpers/stream-batch-fixture.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createStream, deleteStream, kinesisClient, putRecords } from './sources/source-test-kit.js';

// Issue #3 on kinesis-local with leases in Redis: owner A reads under ParallelizationFactor 1 and
// records that layout in the lease; the factor changes to 4 and owner B takes the lease over while
// A's batch is still in flight. B reads the recorded layout from the lease it took, re-cuts A's
// batch under the same job id and awaits it, then moves to 4 lanes. The queue is a shared in-memory
// stand-in for BullMQ (same id, same job); A's writes after the takeover are refused by the fencing.
// https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization

const stack = inject('stack');
const prefix = uniqueName('takeover-layout');
const SHARD = 'shardId-000000000000';
const KEYS = 5;
let redis: Redis;
let leases: RedisLeaseStore;
let kinesis: KinesisClient;
let streamName: string | undefined;

beforeAll(() => {
  redis = new Redis(stack.redisUrl);
  leases = new RedisLeaseStore(redis, createRedisKeys(prefix));
  kinesis = kinesisClient(stack.kinesisEndpoint);
});

afterAll(async () => {
  if (streamName !== undefined) await deleteStream(kinesis, streamName);
  kinesis.destroy();
  redis.disconnect();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

async function currentLease(scope: LeaseScope): Promise<ShardLease> {
  return (await leases.listLeases(scope)).find((l) => l.shardId === SHARD)!;
}

function pollerFor(lease: ShardLease, source: KinesisSource, queue: SharedQueue, mapping: () => StreamMapping): ShardPoller {
  return new ShardPoller({
    lease, leases, source, dispatcher: queue.dispatcher(), mapping, initialPosition: { type: 'TRIM_HORIZON' },
    reportResult: () => undefined, reportProblem: () => undefined, metrics: createSluiceMetrics(), logger: createLogger({ level: process.env.TEST_LOG ?? 'silent' }),
    pollIntervalMs: 20, readsPerSecond: 50, backoff: { baseMs: 10, maxMs: 100 },
  });
}

describe('a shard taken over after a ParallelizationFactor change (real leases, real stream)', () => {
  it('the new owner starts under the layout recorded in the lease, awaits the old owner’s job in flight, and every record goes once, in order per key', async () => {
    // Arrange
    streamName = uniqueName('takeover');
    const arn = await createStream(kinesis, streamName, 1);
    const keyOf = (i: number) => `key-${i % KEYS}`;
    const firstPut = await putRecords(kinesis, arn, Array.from({ length: 24 }, (_, i) => `r${i}`), keyOf);
    const source = new KinesisSource(kinesis, arn);
    const scope = { mappingId: uniqueName('map'), streamIdentity: await source.identity() };
    await leases.ensureLeases(scope, [{ shardId: SHARD, parentShardIds: [] }]);
    const state = { mapping: buildEventSourceMapping({ uuid: scope.mappingId, eventSourceArn: arn, batchSize: 3, parallelizationFactor: 1 }) };
    const queue = new SharedQueue();
    queue.held.add(firstPut[0]!.SequenceNumber!);

    const leaseA = (await leases.takeLease(await currentLease(scope), 'worker-a', 60_000))!;
    const a = pollerFor(leaseA, source, queue, () => state.mapping);
    const runningA = a.start();
    await waitFor(() => queue.added.length === 1, { timeoutMs: 10_000, message: 'owner A never dispatched' });
    expect((await currentLease(scope)).layout).toEqual({ tumblingWindowInSeconds: 0, parallelizationFactor: 1 });

    // Act: the factor changes; B takes the lease (A's renewals would now fail), A stops.
    state.mapping = { ...state.mapping, parallelizationFactor: 4, version: state.mapping.version + 1 };
    const leaseB = (await leases.takeLease(await currentLease(scope), 'worker-b', 60_000))!;
    expect(leaseB.layout).toEqual({ tumblingWindowInSeconds: 0, parallelizationFactor: 1 });
    expect(await leases.recordLayout(leaseA, { tumblingWindowInSeconds: 0, parallelizationFactor: 4 })).toBe('lease-lost');
    await a.stop('lease-lost');
    await runningA;
    const b = pollerFor(leaseB, source, queue, () => state.mapping);
    const runningB = b.start();
    const aJobId = streamBatchJobId(queue.added[0]!);
    await waitFor(() => queue.dispatchedIds.filter((id) => id === aJobId).length === 2, { timeoutMs: 10_000, message: 'owner B never awaited A’s job' });
    queue.release(firstPut[0]!.SequenceNumber!);
    await waitFor(async () => (await currentLease(scope)).layout?.parallelizationFactor === 4, { timeoutMs: 10_000, message: 'owner B never moved to factor 4' });
    const secondPut = await putRecords(kinesis, arn, Array.from({ length: 12 }, (_, i) => `r${24 + i}`), (i) => keyOf(24 + i));
    const last = secondPut.at(-1)!.SequenceNumber!;
    await waitFor(async () => (await currentLease(scope)).checkpoint === last, { timeoutMs: 15_000, message: 'owner B never checkpointed the last record' });
    await b.stop();
    await runningB;

    // Assert: one job per id, every record in exactly one job, per key in order and never two at once.
    const ids = queue.added.map((job) => streamBatchJobId(job));
    expect(new Set(ids).size).toBe(ids.length);
    const sequenceOf = (r: Record<string, unknown>) => (r.kinesis as { sequenceNumber: string }).sequenceNumber;
    const keyOfRecord = (r: Record<string, unknown>) => (r.kinesis as { partitionKey: string }).partitionKey;
    const delivered = queue.added.flatMap((job) => job.records.map(sequenceOf));
    const all = [...firstPut, ...secondPut].map((p) => p.SequenceNumber!);
    expect([...delivered].sort()).toEqual([...all].sort());
    expect(delivered).toHaveLength(all.length);
    const endIndex = new Map(queue.events.flatMap((e, index) => (e.kind === 'end' ? [[e.job, index] as const] : [])));
    const lastEndOfKey = new Map<string, number>();
    const lastSeqOfKey = new Map<string, bigint>();
    queue.events.forEach((event, index) => {
      if (event.kind !== 'start') return;
      for (const record of event.job.records) {
        const key = keyOfRecord(record);
        const seq = BigInt(sequenceOf(record));
        expect(index, `${key} started before its previous job ended`).toBeGreaterThan(lastEndOfKey.get(key) ?? -1);
        expect(seq > (lastSeqOfKey.get(key) ?? -1n)).toBe(true);
        lastSeqOfKey.set(key, seq);
      }
      for (const record of event.job.records) lastEndOfKey.set(keyOfRecord(record), endIndex.get(event.job)!);
    });
    expect(new Set(queue.added.map((job) => job.lane)).size).toBeGreaterThan(1);
  }, 60_000);
});
