import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

// The AWS SDK warns once per process that its 2027 releases need Node.js 22; noise in a bench table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** HTTP/1.1: the SDK's HTTP/2 handler breaks against kinesis-local on larger bodies. */
export function kinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({ region: REGION, endpoint, credentials: CREDENTIALS, requestHandler: new NodeHttpHandler() });
}

export interface BenchStream {
  readonly name: string;
  readonly arn: string;
  /** Open shards in order, each with the hash key that routes a record to it. */
  readonly shards: readonly { readonly shardId: string; readonly hashKey: string }[];
}

export async function createStream(kinesis: KinesisClient, name: string, shardCount: number): Promise<BenchStream> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: name });
  const listed = await kinesis.send(new ListShardsCommand({ StreamName: name }));
  const shards = (listed.Shards ?? []).map((s) => ({ shardId: s.ShardId!, hashKey: s.HashKeyRange!.StartingHashKey! }));
  return { name, arn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`, shards };
}

/** A record payload: its number, when it was put (performance.now() of the bench), and padding. */
export interface BenchPayload {
  readonly n: number;
  readonly t?: number;
  readonly pad?: string;
}

export function encodePayload(payload: BenchPayload): Uint8Array {
  return Buffer.from(JSON.stringify(payload));
}

/**
 * Puts `perShard` records on every shard, 500 per PutRecords, round-robin over the shards through
 * ExplicitHashKey so each shard gets exactly its share. Returns how many each shard got.
 */
export async function prefill(kinesis: KinesisClient, stream: BenchStream, perShard: number, pad: string): Promise<Map<string, number>> {
  const total = perShard * stream.shards.length;
  const counts = new Map<string, number>();
  for (let offset = 0; offset < total; offset += 500) {
    const size = Math.min(500, total - offset);
    const records = Array.from({ length: size }, (_, i) => {
      const n = offset + i;
      return { PartitionKey: `k${n}`, ExplicitHashKey: stream.shards[n % stream.shards.length]!.hashKey, Data: encodePayload({ n, pad }) };
    });
    const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream.name, Records: records }));
    if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
    for (const r of out.Records ?? []) counts.set(r.ShardId!, (counts.get(r.ShardId!) ?? 0) + 1);
  }
  return counts;
}

/**
 * The emulator's own drain rate, no Sluice: per shard, GetShardIterator(TRIM_HORIZON) then
 * GetRecords along NextShardIterator until the shard's records are all read; all shards at once.
 */
export async function rawDrain(
  kinesis: KinesisClient,
  stream: BenchStream,
  expected: Map<string, number>,
  limit: number,
  /** At most this many GetRecords a second per shard (a consumer within its share of Kinesis's 5); unpaced without. */
  readsPerSecond?: number,
): Promise<{ records: number; calls: number; ms: number }> {
  const started = performance.now();
  let calls = 0;
  const perShard = await Promise.all(
    stream.shards.map(async ({ shardId }) => {
      const want = expected.get(shardId) ?? 0;
      let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream.name, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })))
        .ShardIterator;
      calls += 1;
      let got = 0;
      let nextReadAt = 0;
      while (got < want && iterator !== undefined) {
        if (readsPerSecond !== undefined) {
          const wait = nextReadAt - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          nextReadAt = performance.now() + 1000 / readsPerSecond;
        }
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
        calls += 1;
        got += out.Records?.length ?? 0;
        iterator = out.NextShardIterator;
      }
      if (got < want) throw new Error(`raw drain of ${shardId} got ${got} of ${want} records`);
      return got;
    }),
  );
  return { records: perShard.reduce((a, b) => a + b, 0), calls, ms: performance.now() - started };
}
