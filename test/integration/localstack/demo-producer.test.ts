import {
  CreateStreamCommand,
  DeleteStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { DeleteTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runDemoProducer, seedDemoResources } from '@sluice/localstack';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';

const stack = inject('stack');
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const kinesis = new KinesisClient({ endpoint: stack.kinesisEndpoint, region: 'us-east-1', credentials, requestHandler: new NodeHttpHandler() });
const dynamodb = new DynamoDBClient({ endpoint: stack.motoEndpoint, region: 'us-east-1', credentials });
const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
  kinesis.destroy();
  dynamodb.destroy();
});

async function recordsIn(streamName: string): Promise<Record<string, unknown>[]> {
  const { Shards: shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const records: Record<string, unknown>[] = [];
  for (const shard of shards) {
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    records.push(...Records.map((record) => JSON.parse(Buffer.from(record.Data!).toString('utf8')) as Record<string, unknown>));
  }
  return records;
}

describe('runDemoProducer', () => {
  it('puts one JSON record per tick to the stream and writes demo items until aborted, then resolves', async () => {
    // Arrange
    const name = uniqueName('producer');
    const seeded = await seedDemoResources({ kinesis, dynamodb, streamName: name, tableName: name });
    cleanups.push(
      () => kinesis.send(new DeleteStreamCommand({ StreamName: name })),
      () => dynamodb.send(new DeleteTableCommand({ TableName: name })),
    );
    const abort = new AbortController();

    // Act
    const running = runDemoProducer({
      kinesis,
      streamName: seeded.streamName,
      dynamodb,
      tableName: seeded.tableName,
      intervalMs: 20,
      logger,
      signal: abort.signal,
    });
    await waitFor(async () => (await recordsIn(name)).length >= 3, { timeoutMs: 10_000, message: 'three demo records' });
    abort.abort();
    await running;

    // Assert
    const records = await recordsIn(name);
    const sequences = records.map((record) => record.sequence as number).sort((a, b) => a - b);
    expect(sequences.slice(0, 3)).toEqual([1, 2, 3]);
    expect(records[0]).toMatchObject({ message: expect.stringContaining('Sluice demo'), producedAt: expect.any(String) });
    const { Items: items = [] } = await dynamodb.send(new ScanCommand({ TableName: name }));
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items[0]).toMatchObject({ id: { S: expect.stringMatching(/^demo-\d$/) } });
    const countAfterStop = records.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await recordsIn(name)).length).toBe(countAfterStop);
  });

  it('keeps going after a failed put (the stream is missing) and still stops on abort', async () => {
    // Arrange
    const abort = new AbortController();
    const warnings: unknown[] = [];
    const counting = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });

    // Act
    const running = runDemoProducer({ kinesis, streamName: uniqueName('absent'), intervalMs: 10, logger: counting, signal: abort.signal });
    await waitFor(() => warnings.length >= 2, { timeoutMs: 10_000, message: 'two failed puts logged' });
    abort.abort();

    // Assert
    await expect(running).resolves.toBeUndefined();
    expect(warnings[0]).toMatchObject({ msg: 'demo record not produced' });
  });

  it('creates nothing when the signal is already aborted', async () => {
    // Arrange
    const name = uniqueName('producer-aborted');
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    cleanups.push(() => kinesis.send(new DeleteStreamCommand({ StreamName: name })));
    await waitFor(async () => (await recordsIn(name).catch(() => undefined)) !== undefined, { message: 'stream ready' });

    // Act
    await runDemoProducer({ kinesis, streamName: name, intervalMs: 10, logger, signal: AbortSignal.abort() });

    // Assert
    expect(await recordsIn(name)).toEqual([]);
  });
});
