import {
  DescribeStreamConsumerCommand,
  InternalFailureException,
  MergeShardsCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { ErrorCode } from '@sluice/shared';
import { KinesisConsumerSource } from '../../../../services/poller/src/sources/kinesis-consumer-source.js';
import type { FanOutReaderOptions } from '../../../../services/poller/src/sources/kinesis-fan-out-shard-reader.js';
import { KinesisSource } from '../../../../services/poller/src/sources/kinesis-source.js';
import type { ReadPosition, ShardReader } from '../../../../services/poller/src/sources/stream-source.js';
import { uniqueName } from '../../../helpers/unique-name.js';
import { waitFor } from '../../../helpers/wait-for.js';
import {
  createStream,
  decode,
  deleteStream,
  firstEvents,
  kinesisClient,
  putRecords,
  readAll,
  recordCalls,
  transformSubscriptions,
  waitForActive,
} from './source-test-kit.js';

// Enhanced fan-out against kinesis-local, which serves SubscribeToShard over HTTP/1.1 and pushes an
// event about every second. Some faults (a subscription ending, an exception event, the ChildShards
// event AWS sends at a shard's end) are injected into the real event stream by SDK middleware.

const stack = inject('stack');
const SHARD = 'shardId-000000000000';
const MAX_HASH = '340282366920938463463374607431768211455';
const streams: string[] = [];
let admin: KinesisClient;

type Cleanup = (fn: () => Promise<void> | void) => void;

beforeAll(() => {
  admin = kinesisClient(stack.kinesisEndpoint);
});
afterAll(async () => {
  await Promise.all(streams.map((name) => deleteStream(admin, name)));
  admin.destroy();
});

/** Registers a consumer on the stream and waits until it is ACTIVE; returns its ARN. */
async function registerConsumer(streamArn: string, consumerName: string): Promise<string> {
  const registered = await admin.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: consumerName }));
  const consumerArn = registered.Consumer!.ConsumerARN!;
  await waitFor(
    async () => (await admin.send(new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }))).ConsumerDescription?.ConsumerStatus === 'ACTIVE',
    { intervalMs: 20, message: `consumer ${consumerName} never became ACTIVE` },
  );
  return consumerArn;
}

/** A fresh stream with an ACTIVE consumer, and a consumer source on a client of its own. */
async function consumerOn(onTestFinished: Cleanup, shardCount: number, options: FanOutReaderOptions = {}) {
  const name = uniqueName('efo');
  streams.push(name);
  const streamArn = await createStream(admin, name, shardCount);
  const consumerArn = await registerConsumer(streamArn, 'sluice');
  const client = kinesisClient(stack.kinesisEndpoint);
  const readers: ShardReader[] = [];
  onTestFinished(async () => {
    await Promise.all(readers.map((reader) => reader.close()));
    client.destroy();
  });
  const sourceOf = (arn: string) => new KinesisConsumerSource(client, arn, { maxWaitMs: 1_500, resubscribeDelayMs: 250, ...options });
  const source = sourceOf(consumerArn);
  /** Opens a reader through the consumer, or through another one (a consumer holds one subscription per shard). */
  const open = async (shardId: string, position: ReadPosition, through = source) => {
    const reader = await through.openReader(shardId, position);
    readers.push(reader);
    return reader;
  };
  const otherConsumer = async (consumerName: string) => sourceOf(await registerConsumer(streamArn, consumerName));
  return { name, streamArn, consumerArn, client, source, open, otherConsumer };
}

const payloads = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

// Each test has its own stream, consumer and client, and most of their time is waiting on
// kinesis-local's event cadence and 5-second subscription rule: they run concurrently.
describe.concurrent('KinesisConsumerSource (enhanced fan-out) on kinesis-local', () => {
  it('reads a shard in order through SubscribeToShard, the same Lambda records the polling reader gives', async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, open } = await consumerOn(onTestFinished, 1);
    await putRecords(admin, streamArn, payloads(20));

    // Act
    const pushed = await readAll(await open(SHARD, { type: 'TRIM_HORIZON' }), { count: 20, limit: 6 });

    // Assert
    expect(pushed.records.map(decode)).toEqual(payloads(20));
    const polled = await readAll(await new KinesisSource(admin, streamArn).openReader(SHARD, { type: 'TRIM_HORIZON' }), { count: 20 });
    expect(pushed.records).toEqual(polled.records);
  });

  it('starts at LATEST, AT_TIMESTAMP and AFTER_SEQUENCE_NUMBER (one consumer each)', async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, open, source, otherConsumer } = await consumerOn(onTestFinished, 1);
    const [viaTimestamp, viaSequence] = await Promise.all([otherConsumer('by-time'), otherConsumer('by-sequence')]);
    const early = await putRecords(admin, streamArn, ['a', 'b']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await putRecords(admin, streamArn, ['c']);

    // Act
    const latest = await open(SHARD, { type: 'LATEST' }, source);
    const atTimestamp = await open(SHARD, { type: 'AT_TIMESTAMP', timestampMs: between }, viaTimestamp);
    const afterA = await open(SHARD, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: early[0]!.SequenceNumber! }, viaSequence);
    await putRecords(admin, streamArn, ['d']);

    // Assert
    expect((await readAll(latest, { count: 1 })).records.map(decode)).toEqual(['d']);
    expect((await readAll(atTimestamp, { count: 2 })).records.map(decode)).toEqual(['c', 'd']);
    expect((await readAll(afterA, { count: 3 })).records.map(decode)).toEqual(['b', 'c', 'd']);
  });

  it('a second subscription on a shard its consumer already holds waits as "not yet" (ResourceInUseException), then reads once the first is closed', async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, open } = await consumerOn(onTestFinished, 1);
    await putRecords(admin, streamArn, ['x']);
    const first = await open(SHARD, { type: 'TRIM_HORIZON' });
    expect((await readAll(first, { count: 1 })).records.map(decode)).toEqual(['x']);

    // Act
    const second = await open(SHARD, { type: 'TRIM_HORIZON' });
    const whileHeld = await second.read(10);
    await first.close();
    const after = await readAll(second, { count: 1, timeoutMs: 12_000 });

    // Assert
    expect(whileHeld).toMatchObject({ records: [], shardEnded: false });
    expect(after.records.map(decode)).toEqual(['x']);
  }, 20_000);

  it('injected end of a subscription (as after 5 minutes): resubscribes after the continuation and loses or repeats nothing', async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, client, open } = await consumerOn(onTestFinished, 1);
    const calls = recordCalls(client);
    transformSubscriptions(client, (events, subscription) => (subscription === 0 ? firstEvents(events, 1) : events));
    const first = await putRecords(admin, streamArn, payloads(3, 'before-'));
    const reader = await open(SHARD, { type: 'TRIM_HORIZON' });

    // Act
    const before = await readAll(reader, { count: 3 });
    await putRecords(admin, streamArn, payloads(2, 'after-'));
    const after = await readAll(reader, { count: 2, timeoutMs: 15_000 });

    // Assert
    expect([...before.records, ...after.records].map(decode)).toEqual([...payloads(3, 'before-'), ...payloads(2, 'after-')]);
    const subscribes = calls.filter((c) => c.commandName === 'SubscribeToShardCommand').map((c) => c.input.StartingPosition);
    expect(subscribes[0]).toEqual({ Type: 'TRIM_HORIZON' });
    expect(subscribes.at(-1)).toEqual({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: first[2]!.SequenceNumber });
  }, 25_000);

  it('injected exception event mid-subscription: throws SOURCE_TRANSIENT, then the next reads resubscribe and go on', async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, client, open } = await consumerOn(onTestFinished, 1);
    transformSubscriptions(client, (events, subscription) =>
      subscription === 0
        ? (async function* () {
            yield* firstEvents(events, 1);
            throw new InternalFailureException({ message: 'injected', $metadata: {} });
          })()
        : events,
    );
    await putRecords(admin, streamArn, payloads(2));
    const reader = await open(SHARD, { type: 'TRIM_HORIZON' });
    const before = await readAll(reader, { count: 2 });

    // Act
    const failed = reader.read(10);

    // Assert
    await expect(failed).rejects.toMatchObject({ code: ErrorCode.SourceTransient, retryable: true });
    await putRecords(admin, streamArn, ['late']);
    const after = await readAll(reader, { count: 1, timeoutMs: 15_000 });
    expect([...before.records, ...after.records].map(decode)).toEqual([...payloads(2), 'late']);
  }, 25_000);

  it('after a MergeShards, reads each parent to its end and says shardEnded (kinesis-local sends no ChildShards: the end probe finds it)', async ({ expect, onTestFinished }) => {
    // Arrange
    const { name, streamArn, source, open } = await consumerOn(onTestFinished, 2, { endProbeIntervalMs: 200 });
    await putRecords(admin, streamArn, ['a1', 'a2'], () => 'k', '0');
    await putRecords(admin, streamArn, ['b1'], () => 'k', MAX_HASH);
    const [a, b] = (await source.listShards()).map((s) => s.shardId);
    const [readerA, readerB] = await Promise.all([open(a!, { type: 'TRIM_HORIZON' }), open(b!, { type: 'TRIM_HORIZON' })]);

    // Act
    await admin.send(new MergeShardsCommand({ StreamARN: streamArn, ShardToMerge: a, AdjacentShardToMerge: b }));
    await waitForActive(admin, name);
    const [fromA, fromB] = await Promise.all([readAll(readerA!, { timeoutMs: 10_000 }), readAll(readerB!, { timeoutMs: 10_000 })]);

    // Assert
    expect(fromA).toMatchObject({ shardEnded: true });
    expect(fromB).toMatchObject({ shardEnded: true });
    expect(fromA!.records.map(decode)).toEqual(['a1', 'a2']);
    expect(fromB!.records.map(decode)).toEqual(['b1']);
    const child = (await source.listShards()).find((s) => s.shardId !== a && s.shardId !== b);
    expect(child?.parentShardIds).toEqual([a, b]);
  }, 20_000);

  it('injected final event with ChildShards and no continuation (what AWS sends at a shard end): shardEnded after the last records', async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, client, open } = await consumerOn(onTestFinished, 1, { endProbeIntervalMs: 3_600_000 });
    const childShardsEvent: SubscribeToShardEventStream = {
      SubscribeToShardEvent: {
        Records: [],
        ContinuationSequenceNumber: undefined,
        MillisBehindLatest: 0,
        ChildShards: [{ ShardId: 'shardId-000000000001', ParentShards: [SHARD], HashKeyRange: { StartingHashKey: '0', EndingHashKey: MAX_HASH } }],
      },
    };
    transformSubscriptions(client, (events) =>
      (async function* () {
        yield* firstEvents(events, 1);
        yield childShardsEvent;
      })(),
    );
    await putRecords(admin, streamArn, payloads(3));
    const reader = await open(SHARD, { type: 'TRIM_HORIZON' });

    // Act
    const { records, shardEnded } = await readAll(reader, { timeoutMs: 5_000 });

    // Assert
    expect(records.map(decode)).toEqual(payloads(3));
    expect(shardEnded).toBe(true);
    expect(await reader.read(10)).toMatchObject({ records: [], shardEnded: true });
  });

  it("has the stream's identity, and SOURCE_NOT_FOUND for a consumer that does not exist", async ({ expect, onTestFinished }) => {
    // Arrange
    const { streamArn, consumerArn, client, source } = await consumerOn(onTestFinished, 1);
    const missing = new KinesisConsumerSource(client, consumerArn.replace('/consumer/sluice:', '/consumer/nobody:'));

    // Act / Assert
    expect(await source.identity()).toBe(await new KinesisSource(admin, streamArn).identity());
    expect((await source.listShards()).map((s) => s.shardId)).toEqual([SHARD]);
    await expect(missing.identity()).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
  });
});
