import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  GetEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { DeleteStreamCommand, DescribeStreamConsumerCommand, MergeShardsCommand, RegisterStreamConsumerCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import { TEST_CREDENTIALS, createStreamMapping, deleteSettledMapping, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
import type { RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { createTableWithStream } from '../helpers/dynamodb-test-table.js';
import {
  REGION,
  createTestStream,
  decodeKinesisData,
  kinesisClient,
  openShardIds,
  putJsonRecords,
  waitForActive,
} from '../helpers/kinesis-test-stream.js';

// Records written to Kinesis and DynamoDB reach the function through a Sluice process running every
// role (API, poller, worker), driven only through its public API and the real AWS SDK.
const stack = inject('stack');
const prefix = uniqueName('e2e-flow');
let sluice: SluiceProcess;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let fn: RecordingFunction;
let harness: SluiceWithFunction<SluiceProcess>;
const fnName = uniqueName('flow-fn');

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  harness = await startSluiceWithFunction(stack, { prefix, functionName: fnName });
  ({ sluice, lambda, fn } = harness);
});

afterAll(async () => {
  kinesis?.destroy();
  await harness?.close();
});

const createMapping = (input: Partial<CreateEventSourceMappingCommandInput> & { EventSourceArn: string }) => createStreamMapping(lambda, fnName, input);

const waitForState = (uuid: string, state: string) => waitForMappingState(lambda, uuid, state);

async function deleteMapping(uuid: string) {
  await deleteSettledMapping(lambda, uuid);
  await waitForMappingGone(lambda, uuid);
}

/** Records the function received from one stream, decoded. */
function receivedFrom(streamArn: string) {
  return fn.records().filter((r) => r.eventSourceARN === streamArn);
}

/** Waits until each of `numbers` was delivered at least once from the stream. */
async function waitForDelivery(streamArn: string, numbers: readonly number[], timeoutMs = 30_000) {
  await waitFor(
    () => {
      const seen = new Set(receivedFrom(streamArn).map((r) => decodeKinesisData(r).n));
      return numbers.every((n) => seen.has(n));
    },
    { timeoutMs, message: () => `only ${receivedFrom(streamArn).length} of ${numbers.length} records arrived` },
  );
}

/** Sequence numbers per shard, in the order the function received them. */
function perShard(records: Record<string, unknown>[]) {
  const shards = new Map<string, bigint[]>();
  for (const r of records) {
    const [shardId, seq] = String(r.eventID).split(':') as [string, string];
    shards.set(shardId, [...(shards.get(shardId) ?? []), BigInt(seq)]);
  }
  return shards;
}

describe('Kinesis to function', () => {
  it('delivers every record from TRIM_HORIZON, in order per shard, in Lambda event shape', async () => {
    const name = uniqueName('flow-trim');
    const arn = await createTestStream(kinesis, name, 2);
    const put = await putJsonRecords(kinesis, name, Array.from({ length: 60 }, (_, i) => `key-${i % 7}`));
    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 7 });
    await waitForDelivery(arn, put.map((p) => p.n));

    const records = receivedFrom(arn);
    for (const sequence of perShard(records).values()) {
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    const events = fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn);
    expect(events.every((e) => e.event.Records.length <= 7)).toBe(true);
    expect(events.every((e) => new Set(e.event.Records.map((r) => String(r.eventID).split(':')[0])).size === 1)).toBe(true);
    const first = records[0]!;
    expect(first).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      awsRegion: REGION,
      eventSourceARN: arn,
      kinesis: { kinesisSchemaVersion: '1.0' },
    });
    const kinesisPart = first.kinesis as { sequenceNumber: string; partitionKey: string; approximateArrivalTimestamp: number };
    expect(first.eventID).toBe(`${String(first.eventID).split(':')[0]}:${kinesisPart.sequenceNumber}`);
    expect(typeof kinesisPart.approximateArrivalTimestamp).toBe('number');
    expect(Math.abs(kinesisPart.approximateArrivalTimestamp * 1000 - Date.now())).toBeLessThan(120_000);
    expect(decodeKinesisData(first).key).toBe(kinesisPart.partitionKey);

    await waitFor(async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).LastProcessingResult === 'OK', {
      message: 'LastProcessingResult never became OK',
    });
    const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`sluice_records_read_total\\{mapping="${uuid}",shard="shardId-\\d+"\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`sluice_iterator_age_milliseconds\\{mapping="${uuid}",shard="shardId-\\d+"\\}`));
    await deleteMapping(uuid);
  });

  it('starts at AT_TIMESTAMP, skipping what came before', async () => {
    const name = uniqueName('flow-at');
    const arn = await createTestStream(kinesis, name, 1);
    await putJsonRecords(kinesis, name, ['a', 'a', 'a'], 0);
    await new Promise((r) => setTimeout(r, 1500));
    const at = new Date();
    await new Promise((r) => setTimeout(r, 200));
    const later = await putJsonRecords(kinesis, name, ['a', 'a', 'a'], 100);
    const uuid = await createMapping({ EventSourceArn: arn, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: at });
    await waitForDelivery(arn, later.map((p) => p.n));
    expect(receivedFrom(arn).map((r) => decodeKinesisData(r).n)).toEqual([100, 101, 102]);
    await deleteMapping(uuid);
  });

  it('starts at LATEST, delivering only what is written once the shard is read', async () => {
    const name = uniqueName('flow-latest');
    const arn = await createTestStream(kinesis, name, 1);
    await putJsonRecords(kinesis, name, ['a', 'a'], 0);
    const uuid = await createMapping({ EventSourceArn: arn, StartingPosition: 'LATEST' });
    await waitForState(uuid, 'Enabled');
    // LATEST is "just after the newest record when polling starts"; give the poller a moment to start.
    await waitFor(async () => (await (await fetch(`${sluice.url}/metrics`)).text()).includes(`sluice_leases_held{mapping="${uuid}"} 1`), {
      message: 'the shard was never leased',
    });
    await new Promise((r) => setTimeout(r, 300));
    const later = await putJsonRecords(kinesis, name, ['a', 'a'], 200);
    await waitForDelivery(arn, later.map((p) => p.n));
    expect(receivedFrom(arn).map((r) => decodeKinesisData(r).n)).toEqual([200, 201]);
    await deleteMapping(uuid);
  });

  it('applies disable, update, enable and delete live while records flow, losing nothing', async () => {
    const name = uniqueName('flow-live');
    const arn = await createTestStream(kinesis, name, 1);
    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 50 });
    const first = await putJsonRecords(kinesis, name, Array.from({ length: 20 }, () => 'a'), 0);
    await waitForDelivery(arn, first.map((p) => p.n));

    // Lambda refuses updates until the mapping has left Creating (ResourceInUseException).
    await waitForState(uuid, 'Enabled');
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    await waitForState(uuid, 'Disabled');
    await new Promise((r) => setTimeout(r, 500));
    const before = receivedFrom(arn).length;
    const whileDisabled = await putJsonRecords(kinesis, name, Array.from({ length: 10 }, () => 'a'), 100);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receivedFrom(arn).length).toBe(before);

    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 1 }));
    await waitForState(uuid, 'Disabled');
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }));
    await waitForState(uuid, 'Enabled');
    await waitForDelivery(arn, whileDisabled.map((p) => p.n));
    const resumed = fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn).slice(-10);
    expect(resumed.every((e) => e.event.Records.length === 1)).toBe(true);
    // Resumed from the checkpoint: nothing before the pause is delivered again.
    const numbers = receivedFrom(arn).map((r) => decodeKinesisData(r).n);
    expect(numbers.filter((n) => n < 100)).toHaveLength(20);

    const redis = new Redis(stack.redisUrl);
    expect((await redis.keys(`{${prefix}:leases:${uuid}}:lease*`)).length).toBeGreaterThan(0);
    await deleteMapping(uuid);
    await new Promise((r) => setTimeout(r, 800));
    const afterDelete = receivedFrom(arn).length;
    await putJsonRecords(kinesis, name, ['a', 'a'], 300);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receivedFrom(arn).length).toBe(afterDelete);
    const leftovers = await redis.keys(`{${prefix}:leases:${uuid}}:lease*`);
    redis.disconnect();
    expect(leftovers).toEqual([]);
  });

  it('reads parents to their end before children, across a split and a merge', async () => {
    // The whole lineage is written before the mapping exists, so the poller finds parents with
    // records left while their children already have records too.
    const name = uniqueName('flow-reshard');
    const arn = await createTestStream(kinesis, name, 1);
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `key-${i}`);
    await putJsonRecords(kinesis, name, keys(30), 0);
    const [parent] = await openShardIds(kinesis, name);
    await kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: parent!, NewStartingHashKey: (2n ** 127n).toString() }));
    await waitForActive(kinesis, name);
    await putJsonRecords(kinesis, name, keys(30), 100);
    const children = await openShardIds(kinesis, name);
    expect(children).toHaveLength(2);
    await kinesis.send(new MergeShardsCommand({ StreamName: name, ShardToMerge: children[0]!, AdjacentShardToMerge: children[1]! }));
    await waitForActive(kinesis, name);
    await putJsonRecords(kinesis, name, keys(30), 200);

    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 5 });
    await waitForDelivery(arn, [...Array(30).keys()].flatMap((i) => [i, 100 + i, 200 + i]));

    // Each generation's first delivery comes after the previous generation's last.
    const arrival = new Map<number, number>();
    for (const e of fn.events) for (const r of e.event.Records) if (r.eventSourceARN === arn) arrival.set(decodeKinesisData(r).n, e.receivedAt);
    const times = (from: number) => [...arrival].filter(([n]) => n >= from && n < from + 100).map(([, t]) => t);
    expect(Math.min(...times(100))).toBeGreaterThanOrEqual(Math.max(...times(0)));
    expect(Math.min(...times(200))).toBeGreaterThanOrEqual(Math.max(...times(100)));
    const events = fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn);
    const shardsInOrder = [...new Set(events.map((e) => String(e.event.Records[0]!.eventID).split(':')[0]))];
    expect(shardsInOrder[0]).toBe(parent);
    expect(shardsInOrder).toHaveLength(4);
    expect(new Set(receivedFrom(arn).map((r) => decodeKinesisData(r).n)).size).toBe(90);
    await deleteMapping(uuid);
  });

  it('reads through enhanced fan-out when the source is a stream consumer ARN', async () => {
    const name = uniqueName('flow-efo');
    const streamArn = await createTestStream(kinesis, name, 2);
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'sluice-efo' }));
    await waitFor(
      async () => (await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }))).ConsumerDescription?.ConsumerStatus === 'ACTIVE',
      { message: 'the stream consumer never became ACTIVE' },
    );
    const uuid = await createMapping({ EventSourceArn: Consumer!.ConsumerARN!, BatchSize: 10 });
    const put = await putJsonRecords(kinesis, name, Array.from({ length: 40 }, (_, i) => `key-${i}`));
    // Records name the stream, not the consumer, as on AWS.
    await waitForDelivery(streamArn, put.map((p) => p.n));
    for (const sequence of perShard(receivedFrom(streamArn)).values()) {
      expect(sequence).toEqual([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    await deleteMapping(uuid);
  });

  it('reports a deleted stream on the mapping', async () => {
    const name = uniqueName('flow-gone');
    const arn = await createTestStream(kinesis, name, 1);
    const uuid = await createMapping({ EventSourceArn: arn });
    const put = await putJsonRecords(kinesis, name, ['a', 'b'], 0);
    await waitForDelivery(arn, put.map((p) => p.n));
    await kinesis.send(new DeleteStreamCommand({ StreamName: name }));
    const got = await waitFor(async () => {
      const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.LastProcessingResult === 'PROBLEM: Stream not found' ? m : undefined;
    }, { timeoutMs: 15_000, message: 'the deleted stream was never reported on the mapping' });
    expect(got.State).toBe('Enabled');

    // Created again under the same name: the old stream's checkpoints are not the new one's.
    await waitFor(async () => {
      try {
        await createTestStream(kinesis, name, 1);
        return true;
      } catch {
        return false;
      }
    }, { timeoutMs: 15_000, message: 'the stream could not be created again' });
    const again = await putJsonRecords(kinesis, name, ['a', 'b', 'c'], 500);
    await waitForDelivery(arn, again.map((p) => p.n));
    await waitFor(async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).LastProcessingResult === 'OK', {
      message: 'the mapping never reported OK on the new stream',
    });
    await deleteMapping(uuid);
  });

  it('runs up to ParallelizationFactor batches of one shard at once, in order per partition key', async () => {
    const name = uniqueName('flow-parallel');
    const arn = await createTestStream(kinesis, name, 1);
    let inFlight = 0;
    let maxInFlight = 0;
    fn.respond = async (event) => {
      if (event.Records[0]?.eventSourceARN !== arn) return { status: 200 };
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 60));
      inFlight -= 1;
      return { status: 200 };
    };
    const put = await putJsonRecords(kinesis, name, Array.from({ length: 90 }, (_, i) => `key-${i % 9}`));
    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 3, ParallelizationFactor: 5 });
    await waitForDelivery(arn, put.map((p) => p.n));
    fn.respond = () => ({ status: 200 });
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(5);
    const byKey = new Map<string, number[]>();
    for (const r of receivedFrom(arn)) {
      const { n, key } = decodeKinesisData(r);
      byKey.set(key, [...(byKey.get(key) ?? []), n]);
    }
    expect(byKey.size).toBe(9);
    for (const numbers of byKey.values()) expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    await deleteMapping(uuid);
  });

  it('applies a ParallelizationFactor update (1 -> 4) live while batches are in flight: each record once, no key in two invocations at once, in order per key', async () => {
    const name = uniqueName('flow-relane');
    const arn = await createTestStream(kinesis, name, 1);
    const keysInFlight = new Set<string>();
    const overlaps: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    fn.respond = async (event) => {
      if (event.Records[0]?.eventSourceARN !== arn) return { status: 200 };
      const keys = new Set(event.Records.map((r) => decodeKinesisData(r).key));
      for (const key of keys) if (keysInFlight.has(key)) overlaps.push(key);
      for (const key of keys) keysInFlight.add(key);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 60));
      inFlight -= 1;
      for (const key of keys) keysInFlight.delete(key);
      return { status: 200 };
    };
    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 3, ParallelizationFactor: 1 });
    // Lambda refuses updates until the mapping has left Creating (ResourceInUseException).
    await waitForState(uuid, 'Enabled');
    const first = await putJsonRecords(kinesis, name, Array.from({ length: 60 }, (_, i) => `key-${i % 6}`));
    await waitFor(() => receivedFrom(arn).length >= 3, { message: 'the first batch never arrived' });
    expect(maxInFlight).toBe(1);
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, ParallelizationFactor: 4 }));
    const second = await putJsonRecords(kinesis, name, Array.from({ length: 60 }, (_, i) => `key-${i % 6}`), 60);
    await waitForDelivery(arn, [...first, ...second].map((p) => p.n));
    fn.respond = () => ({ status: 200 });
    expect(overlaps).toEqual([]);
    expect(maxInFlight).toBeGreaterThan(1); // the new factor took effect
    const numbers = receivedFrom(arn).map((r) => decodeKinesisData(r).n);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    const byKey = new Map<string, number[]>();
    for (const r of receivedFrom(arn)) {
      const { n, key } = decodeKinesisData(r);
      byKey.set(key, [...(byKey.get(key) ?? []), n]);
    }
    for (const list of byKey.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    await deleteMapping(uuid);
  });

  it('retries a failing batch, blocking its shard, then moves on after MaximumRetryAttempts', async () => {
    const name = uniqueName('flow-retry');
    const arn = await createTestStream(kinesis, name, 1);
    let failures = 0;
    fn.respond = (event) => {
      if (event.Records[0]?.eventSourceARN !== arn) return { status: 200 };
      const numbers = event.Records.map((r) => decodeKinesisData(r).n);
      if (numbers.includes(3) && failures < 3) {
        failures += 1;
        return { status: 500, body: { errorMessage: 'boom' } };
      }
      return { status: 200 };
    };
    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 2, MaximumRetryAttempts: 1 });
    const put = await putJsonRecords(kinesis, name, Array.from({ length: 8 }, () => 'a'), 0);
    await waitForDelivery(arn, put.map((p) => p.n));
    const batches = fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn).map((e) => e.event.Records.map((r) => decodeKinesisData(r).n));
    // [2,3] fails, is retried once (MaximumRetryAttempts 1), then discarded; nothing after it ran in between.
    expect(batches.slice(0, 4)).toEqual([[0, 1], [2, 3], [2, 3], [4, 5]]);
    expect(failures).toBe(2);
    const got = await waitFor(async () => {
      const m = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
      return m.LastProcessingResult === 'OK' ? m : undefined;
    });
    expect(got.LastProcessingResult).toBe('OK');
    fn.respond = () => ({ status: 200 });
    await deleteMapping(uuid);
  });
});

describe('DynamoDB Streams to function', () => {
  it('delivers INSERT, MODIFY and REMOVE in order with the images of the view type', async () => {
    const dynamodb = new DynamoDBClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
    const table = uniqueName('flow-table');
    const streamArn = await createTableWithStream(dynamodb, table);
    const uuid = await createMapping({ EventSourceArn: streamArn });
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'a' }, v: { N: '1' } } }));
    await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: 'a' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
    await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: 'a' } } }));
    await waitFor(() => fn.records().filter((r) => r.eventSourceARN === streamArn).length >= 3, { timeoutMs: 20_000, message: 'DynamoDB records never arrived' });

    const records = fn.records().filter((r) => r.eventSourceARN === streamArn);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records as { dynamodb: Record<string, unknown> }[];
    expect(insert).toMatchObject({ eventSource: 'aws:dynamodb', eventVersion: '1.1', awsRegion: REGION, dynamodb: { Keys: { id: { S: 'a' } }, NewImage: { id: { S: 'a' }, v: { N: '1' } }, StreamViewType: 'NEW_AND_OLD_IMAGES' } });
    expect(insert!.dynamodb.OldImage).toBeUndefined();
    expect(modify!.dynamodb).toMatchObject({ OldImage: { v: { N: '1' } }, NewImage: { v: { N: '2' } } });
    expect(remove!.dynamodb).toMatchObject({ OldImage: { v: { N: '2' } } });
    expect(remove!.dynamodb.NewImage).toBeUndefined();
    expect(typeof insert!.dynamodb.ApproximateCreationDateTime).toBe('number');
    dynamodb.destroy();
    await deleteMapping(uuid);
  });
});
