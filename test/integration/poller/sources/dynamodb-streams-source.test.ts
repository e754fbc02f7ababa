import {
  DeleteItemCommand,
  DeleteTableCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import { ExpiredIteratorException, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode, type StreamRecord } from '@sluice/shared';
import { DynamoDbStreamsSource } from '../../../../services/poller/src/sources/dynamodb-streams-source.js';
import { uniqueName } from '../../../helpers/unique-name.js';
import { createTableWithStream } from '../../../helpers/dynamodb-test-table.js';
import { dynamoDbClient, dynamoDbStreamsClient, injectFault, readAll, recordCalls } from './source-test-kit.js';

const stack = inject('stack');
const tables: string[] = [];
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;

beforeAll(() => {
  dynamodb = dynamoDbClient(stack.motoEndpoint);
  streams = dynamoDbStreamsClient(stack.motoEndpoint);
});

afterAll(async () => {
  await Promise.all(tables.map((TableName) => dynamodb.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
  dynamodb.destroy();
  streams.destroy();
});

async function createTable(viewType: StreamViewType, name = uniqueName('tbl')): Promise<{ name: string; streamArn: string }> {
  tables.push(name);
  return { name, streamArn: await createTableWithStream(dynamodb, name, { viewType }) };
}

const bytes = new Uint8Array([0, 1, 2, 250]);
const key = { id: { S: 'item-1' } };
const v1 = { ...key, count: { N: '1' }, blob: { B: bytes }, tags: { SS: ['x'] }, doc: { M: { ok: { BOOL: true } } } };
const v1Json = { ...key, count: { N: '1' }, blob: { B: Buffer.from(bytes).toString('base64') }, tags: { SS: ['x'] }, doc: { M: { ok: { BOOL: true } } } };
const v2Json = { ...v1Json, count: { N: '2' } };

/** INSERT, MODIFY (count 1 -> 2), REMOVE of one item. */
async function insertModifyRemove(table: string): Promise<void> {
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: v1 }));
  await dynamodb.send(
    new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: 'SET #c = :two', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':two': { N: '2' } } }),
  );
  await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: key }));
}

/** What each view type carries, per event (aws-facts.md 2.2). */
const IMAGES: Record<StreamViewType, Record<'INSERT' | 'MODIFY' | 'REMOVE', { NewImage?: object; OldImage?: object }>> = {
  KEYS_ONLY: { INSERT: {}, MODIFY: {}, REMOVE: {} },
  NEW_IMAGE: { INSERT: { NewImage: v1Json }, MODIFY: { NewImage: v2Json }, REMOVE: {} },
  OLD_IMAGE: { INSERT: {}, MODIFY: { OldImage: v1Json }, REMOVE: { OldImage: v2Json } },
  NEW_AND_OLD_IMAGES: { INSERT: { NewImage: v1Json }, MODIFY: { NewImage: v2Json, OldImage: v1Json }, REMOVE: { OldImage: v2Json } },
};

function expectedRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', viewType: StreamViewType, streamArn: string) {
  return {
    eventID: expect.any(String),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: expect.any(Number),
      Keys: key,
      ...IMAGES[viewType][eventName],
      SequenceNumber: expect.any(String),
      SizeBytes: expect.any(Number),
      StreamViewType: viewType,
    },
    eventSourceARN: streamArn,
  };
}

async function readShard(source: DynamoDbStreamsSource, count: number, position = { type: 'TRIM_HORIZON' as const }): Promise<StreamRecord[]> {
  const [shard] = await source.listShards();
  const reader = await source.openReader(shard!.shardId, position);
  const { records } = await readAll(reader, { count, timeoutMs: 5000 });
  await reader.close();
  return records;
}

describe('DynamoDbStreamsSource on moto server', () => {
  it.each(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES'] as const)(
    '%s: INSERT, MODIFY and REMOVE in order, each a whole Lambda DynamoDB record',
    async (viewType) => {
      // Arrange
      const { name, streamArn } = await createTable(viewType);
      const before = Date.now();
      await insertModifyRemove(name);
      const after = Date.now();

      // Act
      const records = await readShard(new DynamoDbStreamsSource(streams, streamArn), 3);

      // Assert
      expect(records.map((r) => r.lambdaRecord)).toEqual([
        expectedRecord('INSERT', viewType, streamArn),
        expectedRecord('MODIFY', viewType, streamArn),
        expectedRecord('REMOVE', viewType, streamArn),
      ]);
      const sequence = records.map((r) => BigInt(r.sequenceNumber));
      expect([...sequence].sort((a, b) => (a < b ? -1 : 1))).toEqual(sequence);
      for (const record of records) {
        const change = record.lambdaRecord.dynamodb as { ApproximateCreationDateTime: number; SequenceNumber: string };
        expect(Number.isInteger(change.ApproximateCreationDateTime)).toBe(true);
        expect(change.ApproximateCreationDateTime).toBe(Math.floor(record.approximateArrivalMs / 1000));
        expect(record.approximateArrivalMs).toBeGreaterThanOrEqual(before - 1000);
        expect(record.approximateArrivalMs).toBeLessThanOrEqual(after + 1000);
        expect(record).toMatchObject({ sequenceNumber: change.SequenceNumber, partitionKey: '{"id":{"S":"item-1"}}' });
        expect(record.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(record.lambdaRecord)));
      }
    },
  );

  it('starts at LATEST and AFTER_SEQUENCE_NUMBER; refuses AT_TIMESTAMP as SOURCE_INVALID', async () => {
    // Arrange
    const { name, streamArn } = await createTable('KEYS_ONLY');
    const source = new DynamoDbStreamsSource(streams, streamArn);
    await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'a' } } }));
    await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'b' } } }));
    const [shard] = await source.listShards();
    const all = await readShard(source, 2);

    // Act
    const latest = await source.openReader(shard!.shardId, { type: 'LATEST' });
    const afterFirst = await source.openReader(shard!.shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: all[0]!.sequenceNumber });
    await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: 'c' } } }));

    // Assert
    const keysOf = (records: StreamRecord[]) => records.map((r) => r.partitionKey);
    expect(keysOf((await readAll(latest, { count: 1, timeoutMs: 3000 })).records)).toEqual(['{"id":{"S":"c"}}']);
    expect(keysOf((await readAll(afterFirst, { count: 2, timeoutMs: 3000 })).records)).toEqual(['{"id":{"S":"b"}}', '{"id":{"S":"c"}}']);
    await expect(source.openReader(shard!.shardId, { type: 'AT_TIMESTAMP', timestampMs: Date.now() })).rejects.toMatchObject({
      code: ErrorCode.SourceInvalid,
    });
  });

  it('lists the shard with no parent, and its identity is the stream ARN', async () => {
    // Arrange
    const { streamArn } = await createTable('NEW_IMAGE');
    const source = new DynamoDbStreamsSource(streams, streamArn);

    // Act
    const [shards, identity] = await Promise.all([source.listShards(), source.identity()]);

    // Assert
    expect(shards).toEqual([{ shardId: expect.stringMatching(/^shardId-/), parentShardIds: [] }]);
    expect(identity).toBe(streamArn);
  });

  it('treats the stream of a deleted and re-created table as gone: SOURCE_NOT_FOUND, never the new stream', async () => {
    // Arrange
    const { name, streamArn } = await createTable('NEW_IMAGE');
    const source = new DynamoDbStreamsSource(streams, streamArn);
    await dynamodb.send(new DeleteTableCommand({ TableName: name }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the label is a timestamp: make the new one differ
    const recreated = await createTable('NEW_IMAGE', name);

    // Act / Assert
    expect(recreated.streamArn).not.toBe(streamArn);
    await expect(source.identity()).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
    await expect(source.listShards()).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
    expect(await new DynamoDbStreamsSource(streams, recreated.streamArn).identity()).toBe(recreated.streamArn);
  });

  it('throws SOURCE_NOT_FOUND for the stream of a table that does not exist', async () => {
    const source = new DynamoDbStreamsSource(streams, `arn:aws:dynamodb:us-east-1:123456789012:table/${uniqueName('none')}/stream/2024-01-01T00:00:00.000`);
    await expect(source.identity()).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
  });

  it('injected ExpiredIteratorException on one GetRecords: renews just after the last record returned and loses or repeats nothing', async () => {
    // Arrange
    const { name, streamArn } = await createTable('KEYS_ONLY');
    for (const id of ['a', 'b', 'c', 'd']) await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: id } } }));
    const client = dynamoDbStreamsClient(stack.motoEndpoint);
    const calls = recordCalls(client);
    const source = new DynamoDbStreamsSource(client, streamArn);
    const [shard] = await source.listShards();
    const reader = await source.openReader(shard!.shardId, { type: 'TRIM_HORIZON' });
    const first = await reader.read(2);
    injectFault(client, 'GetRecordsCommand', () => new ExpiredIteratorException({ message: 'injected', $metadata: {} }));

    // Act
    const rest = await readAll(reader, { count: 2, timeoutMs: 3000 });

    // Assert
    expect([...first.records, ...rest.records].map((r) => r.partitionKey)).toEqual(['a', 'b', 'c', 'd'].map((id) => `{"id":{"S":"${id}"}}`));
    const iteratorCalls = calls.filter((c) => c.commandName === 'GetShardIteratorCommand').map((c) => c.input);
    expect(iteratorCalls).toEqual([
      expect.objectContaining({ ShardIteratorType: 'TRIM_HORIZON' }),
      expect.objectContaining({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: first.records[1]!.sequenceNumber }),
    ]);
    client.destroy();
  });
});
