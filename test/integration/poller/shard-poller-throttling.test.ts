import { setTimeout as sleep } from 'node:timers/promises';
import { ProvisionedThroughputExceededException, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, createSluiceMetrics, type StreamMapping } from '@sluice/shared';
import { ShardPoller } from '../../../services/poller/src/consumer/shard-poller.js';
import { KinesisSource } from '../../../services/poller/src/sources/kinesis-source.js';
import { buildEventSourceMapping } from '../../helpers/stream-batch-fixture.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';
import { FakeDispatcher } from '../../unit/services/poller/fakes/fake-dispatcher.js';
import { FakeLeaseStore, fakeLease } from '../../unit/services/poller/fakes/fake-leases.js';
import { createStream, deleteStream, injectFaultEvery, kinesisClient, putRecords, recordCalls } from './sources/source-test-kit.js';

// A shard poller on kinesis-local while records flow, its GetRecords throttled now and then as a
// stream shared with other consumers would be: kinesis-local never throttles, so
// ProvisionedThroughputExceededException is injected by SDK middleware into the real KinesisClient
// (every third GetRecords). Kinesis allows 5 GetRecords a second per shard, shared by every
// consumer (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html); the
// poller's share here is Sluice's default, 2.5.

const stack = inject('stack');
const SHARE = 2.5;
const RECORDS = 120;
let admin: KinesisClient;
let client: KinesisClient;
const streams: string[] = [];

beforeAll(() => {
  admin = kinesisClient(stack.kinesisEndpoint);
  client = kinesisClient(stack.kinesisEndpoint);
});
afterAll(async () => {
  await Promise.all(streams.map((name) => deleteStream(admin, name)));
  admin.destroy();
  client.destroy();
});

describe('ShardPoller reading a flowing shard under its share of the read limit', () => {
  it('injected ProvisionedThroughputExceededException on every third GetRecords: reads stay within 2.5 a second (any second: at most 3), nothing is lost or repeated, no busy loop', async () => {
    // Arrange
    const name = uniqueName('throttled');
    streams.push(name);
    const arn = await createStream(admin, name, 1);
    const calls = recordCalls(client);
    const throttles = injectFaultEvery(client, 'GetRecordsCommand', () => new ProvisionedThroughputExceededException({ message: 'injected: Rate exceeded for shard', $metadata: {} }), 3);
    const dispatcher = new FakeDispatcher();
    const mapping: StreamMapping = { ...buildEventSourceMapping({ eventSourceArn: arn, batchSize: 10 }), startingPosition: 'TRIM_HORIZON' };
    const poller = new ShardPoller({
      lease: fakeLease('shardId-000000000000'),
      leases: new FakeLeaseStore(),
      source: new KinesisSource(client, arn),
      dispatcher,
      mapping: () => mapping,
      initialPosition: { type: 'TRIM_HORIZON' },
      reportResult: () => undefined,
      reportProblem: () => undefined,
      metrics: createSluiceMetrics(),
      logger: createLogger({ level: process.env.TEST_LOG ?? 'silent' }),
      pollIntervalMs: 1000,
      readsPerSecond: SHARE,
      backoff: { baseMs: 100, maxMs: 1000 },
    });

    // Act: the poller reads while records are put, 10 at a time every 250 ms (3 s).
    const started = performance.now();
    const running = poller.start();
    const put = [];
    for (let chunk = 0; chunk < RECORDS / 10; chunk += 1) {
      put.push(...(await putRecords(admin, arn, Array.from({ length: 10 }, (_, i) => `r${chunk * 10 + i}`))));
      await sleep(250);
    }
    const delivered = () => dispatcher.jobs.flatMap((job) => job.records.map((r) => (r.kinesis as { sequenceNumber: string }).sequenceNumber));
    await waitFor(() => delivered().length >= RECORDS, { timeoutMs: 20_000, message: 'not every record was delivered' });
    await poller.stop();
    await running;
    const seconds = (performance.now() - started) / 1000;

    // Assert
    expect(delivered()).toEqual(put.map((p) => p.SequenceNumber));
    const reads = calls.filter((c) => c.commandName === 'GetRecordsCommand');
    expect(throttles.injected()).toBeGreaterThanOrEqual(3);
    expect(reads.length).toBeLessThanOrEqual(1 + SHARE * seconds);
    // The recorder sits above the injection, so throttled reads count too.
    const times = reads.map((c) => c.at);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length, `reads in the second from ${Math.round(t - started)} ms`).toBeLessThanOrEqual(3);
  });
});
