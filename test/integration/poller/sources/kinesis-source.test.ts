import { DescribeStreamSummaryCommand, MergeShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '@sluice/shared';
import { KinesisSource } from '../../../../services/poller/src/sources/kinesis-source.js';
import { uniqueName } from '../../../helpers/unique-name.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { createStream, decode, deleteStream, kinesisClient, putRecords, readAll, recordCalls, waitForActive } from './source-test-kit.js';

const stack = inject('stack');
const MAX_HASH = '340282366920938463463374607431768211455';
const streams: string[] = [];
let kinesis: KinesisClient;

beforeAll(() => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
});

afterAll(async () => {
  await Promise.all(streams.map((name) => deleteStream(kinesis, name)));
  kinesis.destroy();
});

async function freshStream(shardCount = 1): Promise<{ name: string; arn: string; source: KinesisSource }> {
  const name = uniqueName('src');
  streams.push(name);
  const arn = await createStream(kinesis, name, shardCount);
  return { name, arn, source: new KinesisSource(kinesis, arn) };
}

describe('KinesisSource on kinesis-local', () => {
  it('reads a shard in put order, each record in Lambda\'s Kinesis format', async () => {
    // Arrange
    const { arn, source } = await freshStream();
    const payloads = Array.from({ length: 30 }, (_, i) => `record-${i}`);
    const before = Date.now();
    const put = await putRecords(kinesis, arn, payloads);
    const after = Date.now();
    const [shard] = await source.listShards();

    // Act
    const reader = await source.openReader(shard!.shardId, { type: 'TRIM_HORIZON' });
    const { records, shardEnded } = await readAll(reader, { count: 30, limit: 7 });
    await reader.close();

    // Assert
    expect(shardEnded).toBe(false);
    expect(records.map(decode)).toEqual(payloads);
    expect(records.map((r) => r.sequenceNumber)).toEqual(put.map((p) => p.SequenceNumber));
    const first = records[0]!;
    expect(first.lambdaRecord).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'pk-0',
        sequenceNumber: put[0]!.SequenceNumber,
        data: Buffer.from('record-0').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${shard!.shardId}:${put[0]!.SequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice',
      awsRegion: 'us-east-1',
      eventSourceARN: arn,
    });
    const arrivalSeconds = (first.lambdaRecord.kinesis as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp;
    expect(arrivalSeconds * 1000).toBeGreaterThanOrEqual(before - 1000);
    expect(arrivalSeconds * 1000).toBeLessThanOrEqual(after + 1000);
    expect(first).toMatchObject({ partitionKey: 'pk-0', approximateArrivalMs: Math.round(arrivalSeconds * 1000) });
    expect(first.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(first.lambdaRecord)));
  });

  it('starts at TRIM_HORIZON, LATEST, AT_TIMESTAMP and AFTER_SEQUENCE_NUMBER', async () => {
    // Arrange
    const { arn, source } = await freshStream();
    const early = await putRecords(kinesis, arn, ['a', 'b', 'c']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const between = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await putRecords(kinesis, arn, ['d', 'e']);
    const shardId = (await source.listShards())[0]!.shardId;

    // Act
    const trimHorizon = await source.openReader(shardId, { type: 'TRIM_HORIZON' });
    const latest = await source.openReader(shardId, { type: 'LATEST' });
    const atTimestamp = await source.openReader(shardId, { type: 'AT_TIMESTAMP', timestampMs: between });
    const afterB = await source.openReader(shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: early[1]!.SequenceNumber! });
    await putRecords(kinesis, arn, ['f']);

    // Assert
    expect((await readAll(trimHorizon, { count: 6 })).records.map(decode)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect((await readAll(latest, { count: 1 })).records.map(decode)).toEqual(['f']);
    expect((await readAll(atTimestamp, { count: 3 })).records.map(decode)).toEqual(['d', 'e', 'f']);
    expect((await readAll(afterB, { count: 4 })).records.map(decode)).toEqual(['c', 'd', 'e', 'f']);
    await Promise.all([trimHorizon, latest, atTimestamp, afterB].map((reader) => reader.close()));
  });

  it('after a SplitShard, reads the parent to its end then says shardEnded, and lists both children with their parent', async () => {
    // Arrange
    const { name, arn, source } = await freshStream();
    await putRecords(kinesis, arn, ['p1', 'p2', 'p3']);
    const parent = (await source.listShards())[0]!.shardId;
    const parentReader = await source.openReader(parent, { type: 'TRIM_HORIZON' });
    const firstRead = await parentReader.read(2);

    // Act
    await kinesis.send(new SplitShardCommand({ StreamARN: arn, ShardToSplit: parent, NewStartingHashKey: '170141183460469231731687303715884105728' }));
    await waitForActive(kinesis, name);
    await putRecords(kinesis, arn, ['low-1', 'low-2'], () => 'k', '0');
    await putRecords(kinesis, arn, ['high-1'], () => 'k', MAX_HASH);
    const rest = await readAll(parentReader);
    const shards = await source.listShards();

    // Assert
    expect([...firstRead.records, ...rest.records].map(decode)).toEqual(['p1', 'p2', 'p3']);
    expect(rest.shardEnded).toBe(true);
    expect(await parentReader.read(10)).toEqual({ records: [], shardEnded: true });
    const children = shards.filter((s) => s.shardId !== parent);
    expect(shards.find((s) => s.shardId === parent)).toMatchObject({ parentShardIds: [], endingSequenceNumber: expect.any(String) });
    expect(children).toHaveLength(2);
    for (const child of children) expect(child).toEqual({ shardId: child.shardId, parentShardIds: [parent] });
    const childPayloads = await Promise.all(
      children.map(async (child) => (await readAll(await source.openReader(child.shardId, { type: 'TRIM_HORIZON' }), { count: 1, timeoutMs: 3000 })).records.map(decode)),
    );
    expect(childPayloads.sort()).toEqual([['high-1'], ['low-1', 'low-2']]);
  });

  it('after a MergeShards, reads both parents to their ends and lists the child with both parents', async () => {
    // Arrange
    const { name, arn, source } = await freshStream(2);
    await putRecords(kinesis, arn, ['a1', 'a2'], () => 'k', '0');
    await putRecords(kinesis, arn, ['b1'], () => 'k', MAX_HASH);
    const [a, b] = (await source.listShards()).map((s) => s.shardId);
    const readers = await Promise.all([a!, b!].map((shardId) => source.openReader(shardId, { type: 'TRIM_HORIZON' })));

    // Act
    await kinesis.send(new MergeShardsCommand({ StreamARN: arn, ShardToMerge: a, AdjacentShardToMerge: b }));
    await waitForActive(kinesis, name);
    await putRecords(kinesis, arn, ['c1', 'c2']);
    const [fromA, fromB] = await Promise.all(readers.map((reader) => readAll(reader)));
    const shards = await source.listShards();

    // Assert
    expect(fromA).toMatchObject({ shardEnded: true });
    expect(fromB).toMatchObject({ shardEnded: true });
    expect(fromA!.records.map(decode)).toEqual(['a1', 'a2']);
    expect(fromB!.records.map(decode)).toEqual(['b1']);
    const child = shards.find((s) => s.shardId !== a && s.shardId !== b)!;
    expect(child).toEqual({ shardId: child.shardId, parentShardIds: [a, b] });
    expect(shards.filter((s) => s.endingSequenceNumber !== undefined).map((s) => s.shardId)).toEqual([a, b]);
    const childRead = await readAll(await source.openReader(child.shardId, { type: 'TRIM_HORIZON' }), { count: 2 });
    expect(childRead.records.map(decode)).toEqual(['c1', 'c2']);
  });

  it('lists shards across ListShards pages (MaxResults 1 set by middleware), passing only NextToken after the first', async () => {
    // Arrange
    const { arn, source } = await freshStream(3);
    const paged = kinesisClient(stack.kinesisEndpoint);
    paged.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListShardsCommand') (args.input as { MaxResults?: number }).MaxResults = 1;
        return next(args);
      },
      { step: 'initialize', priority: 'high' },
    );
    const calls = recordCalls(paged);

    // Act
    const shards = await new KinesisSource(paged, arn).listShards();

    // Assert
    expect(shards).toEqual(await source.listShards());
    expect(shards.map((s) => s.shardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    const listCalls = calls.filter((c) => c.commandName === 'ListShardsCommand');
    expect(listCalls.length).toBeGreaterThanOrEqual(3);
    expect(listCalls[0]!.input).toMatchObject({ StreamARN: arn });
    for (const call of listCalls.slice(1)) expect(call.input).toEqual({ NextToken: expect.any(String), MaxResults: 1 });
    paged.destroy();
  });

  it('has an identity of ARN and creation time, which changes when the stream is deleted and created again', async () => {
    // Arrange
    const { name, arn, source } = await freshStream();
    const first = await source.identity();

    // Act
    await deleteStream(kinesis, name);
    await waitFor(async () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })).then(() => false, () => true), {
      message: `stream ${name} was never deleted`,
    });
    await createStream(kinesis, name, 1);
    const second = await source.identity();

    // Assert
    expect(first).toMatch(new RegExp(`^${arn}@\\d{13}$`));
    expect(second).toMatch(new RegExp(`^${arn}@\\d{13}$`));
    expect(second).not.toBe(first);
  });

  it('throws SOURCE_NOT_FOUND for a stream that does not exist, from identity, listShards and openReader', async () => {
    // Arrange
    const source = new KinesisSource(kinesis, `arn:aws:kinesis:us-east-1:000000000000:stream/${uniqueName('missing')}`);

    // Act / Assert
    await expect(source.identity()).rejects.toMatchObject({ code: ErrorCode.SourceNotFound, retryable: false });
    await expect(source.listShards()).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
    await expect(source.openReader('shardId-000000000000', { type: 'TRIM_HORIZON' })).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
  });
});
