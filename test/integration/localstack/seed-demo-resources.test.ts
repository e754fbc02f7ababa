import { DeleteStreamCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LocalStackErrorCode, seedDemoResources } from '@sluice/localstack';
import { uniqueName } from '../../helpers/unique-name.js';
import { kinesisClient } from '../../helpers/kinesis-test-stream.js';
import { createTableWithStream } from '../../helpers/dynamodb-test-table.js';

const stack = inject('stack');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const kinesis = kinesisClient(stack.kinesisEndpoint);
const dynamodb = new DynamoDBClient({ endpoint: stack.motoEndpoint, region: 'us-east-1', credentials });
const streams: string[] = [];
const tables: string[] = [];

afterAll(async () => {
  await Promise.allSettled(streams.map((StreamName) => kinesis.send(new DeleteStreamCommand({ StreamName }))));
  await Promise.allSettled(tables.map((TableName) => dynamodb.send(new DeleteTableCommand({ TableName }))));
  kinesis.destroy();
  dynamodb.destroy();
});

describe('seedDemoResources', () => {
  it('creates an ACTIVE stream with two shards and a table with a NEW_AND_OLD_IMAGES stream', async () => {
    // Arrange
    const streamName = uniqueName('seed');
    const tableName = uniqueName('seed');
    streams.push(streamName);
    tables.push(tableName);

    // Act
    const seeded = await seedDemoResources({ kinesis, dynamodb, streamName, tableName });

    // Assert
    expect(seeded.streamArn).toBe(`arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`);
    expect((await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards).toHaveLength(2);
    const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(seeded.tableStreamArn).toBe(table?.LatestStreamArn);
  });

  it('is idempotent: a second run finds the same resources', async () => {
    // Arrange
    const streamName = uniqueName('seed-again');
    const tableName = uniqueName('seed-again');
    streams.push(streamName);
    tables.push(tableName);
    const first = await seedDemoResources({ kinesis, dynamodb, streamName, tableName });

    // Act
    const second = await seedDemoResources({ kinesis, dynamodb, streamName, tableName });

    // Assert
    expect(second).toEqual(first);
  });

  it('makes no table without a DynamoDB client (no DynamoDB endpoint)', async () => {
    // Arrange
    const streamName = uniqueName('seed-kinesis-only');
    streams.push(streamName);

    // Act
    const seeded = await seedDemoResources({ kinesis, streamName });

    // Assert
    expect(seeded).toEqual({ streamName, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}` });
  });

  it('turns the stream on for an existing table that has none', async () => {
    // Arrange
    const streamName = uniqueName('seed-nostream');
    const tableName = uniqueName('seed-nostream');
    streams.push(streamName);
    tables.push(tableName);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    // Act
    const seeded = await seedDemoResources({ kinesis, dynamodb, streamName, tableName });

    // Assert
    expect(seeded.tableStreamArn).toContain(`table/${tableName}/stream/`);
  });

  it('refuses a table whose stream has another view type, saying what to do', async () => {
    // Arrange
    const streamName = uniqueName('seed-keysonly');
    const tableName = uniqueName('seed-keysonly');
    streams.push(streamName);
    tables.push(tableName);
    await createTableWithStream(dynamodb, tableName, { viewType: 'KEYS_ONLY' });

    // Act
    const attempt = seedDemoResources({ kinesis, dynamodb, streamName, tableName });

    // Assert
    await expect(attempt).rejects.toMatchObject({
      code: LocalStackErrorCode.DemoSetupFailed,
      message: expect.stringContaining('NEW_AND_OLD_IMAGES'),
    });
  });
});
