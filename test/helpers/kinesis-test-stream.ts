import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { waitFor } from './wait-for.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({
    region: REGION,
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
}

/**
 * Creates a fresh small stream (kinesis-local slows as shards fill) and returns its ARN once ACTIVE
 * (polled every 100 ms: the SDK's waiter sleeps 10 s after a first CREATING, which LocalStack's
 * default 500 ms KINESIS_LATENCY always gives).
 */
export async function createTestStream(kinesis: KinesisClient, name: string, shards: number): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitForActive(kinesis, name);
  return `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
}

/** Puts JSON records `{n, key}` with the given partition keys, 500 per call; returns what was put. */
export async function putJsonRecords(kinesis: KinesisClient, stream: string, keys: readonly string[], first = 0): Promise<{ n: number; key: string }[]> {
  const put: { n: number; key: string }[] = [];
  for (let offset = 0; offset < keys.length; offset += 500) {
    const slice = keys.slice(offset, offset + 500).map((key, i) => ({ n: first + offset + i, key }));
    const result = await kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: slice.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(JSON.stringify(r)) })),
      }),
    );
    if ((result.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${result.FailedRecordCount} records`);
    put.push(...slice);
  }
  return put;
}

/** Decodes the JSON a record carries in `kinesis.data`. */
export function decodeKinesisData(record: Record<string, unknown>): { n: number; key: string } {
  const kinesis = record.kinesis as { data: string };
  return JSON.parse(Buffer.from(kinesis.data, 'base64').toString('utf8')) as { n: number; key: string };
}

export async function openShardIds(kinesis: KinesisClient, stream: string): Promise<string[]> {
  const listed = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  return (listed.Shards ?? []).filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined).map((s) => s.ShardId!);
}

/** Waits until a reshard has finished (the stream is ACTIVE again). */
export async function waitForActive(kinesis: KinesisClient, stream: string): Promise<void> {
  await waitFor(
    async () => (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    { timeoutMs: 20_000, message: `stream ${stream} never became ACTIVE` },
  );
}
