import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { createLogger, createRedisKeys, createSluiceMetrics, type StreamMapping, type StreamBatchJob } from '@sluice/shared';
import { ShardPoller } from '../../../services/poller/src/consumer/shard-poller.js';
import type { Dispatcher, DispatchResult } from '../../../services/poller/src/dispatch/dispatcher.js';
import { RedisLeaseStore } from '../../../services/poller/src/leases/redis-lease-store.js';
import type { ShardLease } from '../../../services/poller/src/leases/shard-lease.js';
import { DynamoDbStreamsSource } from '../../../services/poller/src/sources/dynamodb-streams-source.js';
import { KinesisSource } from '../../../services/poller/src/sources/kinesis-source.js';
import type { StreamSource } from '../../../services/poller/src/sources/stream-source.js';
import { createTableWithStream } from '../../helpers/dynamodb-test-table.js';
import { buildEventSourceMapping } from '../../helpers/stream-batch-fixture.js';
import { deleteRedisPrefix } from '../../helpers/delete-redis-prefix.js';
import { uniqueName } from '../../helpers/unique-name.js';
import { waitFor } from '../../helpers/wait-for.js';
import { createStream, deleteStream, dynamoDbClient, dynamoDbStreamsClient, kinesisClient, putRecords } from './sources/source-test-kit.js';

// The poller with FilterCriteria against kinesis-local and moto's DynamoDB Streams, with real
// checkpoints in Redis: only matching records are handed on, the checkpoint passes the rest, and a
// poller started again from that checkpoint (even with the filter removed) never sees them again.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html ("Lambda discards the record")
// The worker side is a recording dispatcher: what reaches the function is the e2e tests' business.

const stack = inject('stack');
const prefix = uniqueName('filter-poller');
let redis: Redis;
let leases: RedisLeaseStore;
let kinesis: KinesisClient;
let streams: DynamoDBStreamsClient;
const kinesisStreams: string[] = [];

beforeAll(() => {
  redis = new Redis(stack.redisUrl);
  leases = new RedisLeaseStore(redis, createRedisKeys(prefix));
  kinesis = kinesisClient(stack.kinesisEndpoint);
  streams = dynamoDbStreamsClient(stack.motoEndpoint);
});

afterAll(async () => {
  await Promise.all(kinesisStreams.map((name) => deleteStream(kinesis, name)));
  kinesis.destroy();
  streams.destroy();
  redis.disconnect();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

class RecordingDispatcher implements Dispatcher {
  readonly jobs: StreamBatchJob[] = [];
  async dispatch(job: StreamBatchJob): Promise<DispatchResult> {
    this.jobs.push(job);
    return { outcome: { status: 'succeeded', invocations: 1 }, lastSequenceNumber: job.lastSequenceNumber };
  }
}

function mappingFor(uuid: string, eventSourceArn: string, sourceKind: StreamMapping['sourceKind'], filterPatterns?: string[]): StreamMapping {
  return buildEventSourceMapping({ uuid, eventSourceArn, sourceKind, batchSize: 2, ...(filterPatterns === undefined ? {} : { filterPatterns }) });
}

/** Takes the shard's lease (as it stands in Redis, checkpoint included) for a fresh poller. */
async function takeLease(mapping: StreamMapping, identity: string, shardId: string): Promise<ShardLease> {
  const scope = { mappingId: mapping.uuid, streamIdentity: identity };
  await leases.ensureLeases(scope, [{ shardId, parentShardIds: [] }]);
  const lease = (await leases.listLeases(scope)).find((l) => l.shardId === shardId)!;
  return (await leases.takeLease(lease, uniqueName('worker'), 60_000))!;
}

async function startPoller(source: StreamSource, mapping: StreamMapping, shardId: string) {
  const dispatcher = new RecordingDispatcher();
  const lease = await takeLease(mapping, await source.identity(), shardId);
  const metrics = createSluiceMetrics();
  const poller = new ShardPoller({
    lease, leases, source, dispatcher, mapping: () => mapping, initialPosition: { type: 'TRIM_HORIZON' },
    reportResult: () => undefined, reportProblem: () => undefined, metrics, logger: createLogger({ level: process.env.TEST_LOG ?? 'silent' }),
    pollIntervalMs: 50, readsPerSecond: 50, backoff: { baseMs: 10, maxMs: 100 },
  });
  const running = poller.start();
  const checkpoint = async () => (await leases.listLeases(lease.scope)).find((l) => l.shardId === shardId)?.checkpoint;
  const stop = async () => {
    await poller.stop();
    await running;
  };
  /** sluice_records_filtered_total of the mapping, as /metrics would show it. */
  const filtered = async () => (await metrics.recordsFiltered.get()).values.find((v) => v.labels.mapping === mapping.uuid)?.value ?? 0;
  return { dispatcher, checkpoint, stop, filtered };
}

describe('ShardPoller with FilterCriteria on real streams', () => {
  it('Kinesis: hands on only matching records, checkpoints past the rest, and a restart without the filter does not see them', async () => {
    const name = uniqueName('filtered');
    kinesisStreams.push(name);
    const arn = await createStream(kinesis, name, 1);
    const payloads = [...Array.from({ length: 10 }, (_, n) => JSON.stringify({ n, type: n % 3 === 0 ? 'buy' : 'sell' })), 'not json'];
    const put = await putRecords(kinesis, arn, payloads);
    const source = new KinesisSource(kinesis, arn);
    const uuid = uniqueName('map');

    const first = await startPoller(source, mappingFor(uuid, arn, 'kinesis', ['{"data":{"type":["buy"]}}']), 'shardId-000000000000');
    await waitFor(async () => (await first.checkpoint()) === put.at(-1)!.SequenceNumber, { message: 'the checkpoint never passed the filtered tail' });
    await first.stop();
    const handedOn = first.dispatcher.jobs.flatMap((j) => j.records.map((r) => JSON.parse(Buffer.from((r.kinesis as { data: string }).data, 'base64').toString()) as { n: number }));
    expect(handedOn.map((d) => d.n)).toEqual([0, 3, 6, 9]);
    expect(first.dispatcher.jobs.map((j) => j.records.length)).toEqual([2, 2]);
    expect(await first.filtered()).toBe(7); // six "sell" records and the one that is not JSON

    const later = await putRecords(kinesis, arn, [JSON.stringify({ n: 100, type: 'sell' })]);
    const second = await startPoller(source, mappingFor(uuid, arn, 'kinesis'), 'shardId-000000000000');
    await waitFor(async () => (await second.checkpoint()) === later[0]!.SequenceNumber, { message: 'the record after the restart was never handled' });
    await second.stop();
    expect(second.dispatcher.jobs.flatMap((j) => j.records.map((r) => (r.kinesis as { sequenceNumber: string }).sequenceNumber))).toEqual([later[0]!.SequenceNumber]);
  });

  it('DynamoDB Streams: filters on eventName, and a poller with no match invokes nothing yet checkpoints to the end', async () => {
    const dynamodb = dynamoDbClient(stack.motoEndpoint);
    const table = uniqueName('filtered');
    const arn = await createTableWithStream(dynamodb, table);
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'a' }, v: { N: '1' } } }));
    await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: 'a' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
    await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: 'a' } } }));
    dynamodb.destroy();
    const described = await streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    const shardId = described.StreamDescription!.Shards![0]!.ShardId!;
    const iterator = await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const all = (await streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }))).Records!;
    const lastSequence = all.at(-1)!.dynamodb!.SequenceNumber!;
    const source = new DynamoDbStreamsSource(streams, arn);

    const modifies = await startPoller(source, mappingFor(uniqueName('map'), arn, 'dynamodb', ['{"eventName":["MODIFY"],"dynamodb":{"NewImage":{"v":{"N":["2"]}}}}']), shardId);
    await waitFor(async () => (await modifies.checkpoint()) === lastSequence, { message: 'the checkpoint never reached the last record' });
    await modifies.stop();
    expect(modifies.dispatcher.jobs.flatMap((j) => j.records.map((r) => r.eventName))).toEqual(['MODIFY']);

    const none = await startPoller(source, mappingFor(uniqueName('map'), arn, 'dynamodb', ['{"eventName":["nothing-like-this"]}']), shardId);
    await waitFor(async () => (await none.checkpoint()) === lastSequence, { message: 'a read with no match never checkpointed' });
    await none.stop();
    expect(none.dispatcher.jobs).toEqual([]);
    expect(await none.filtered()).toBe(all.length);
  });
});
