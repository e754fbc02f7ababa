import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  InvalidParameterValueException,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { Redis } from 'ioredis';
import { flowEnv, registerHttpFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { TEST_CREDENTIALS, createStreamMapping, sluiceLambdaClient, waitForMappingState } from '../helpers/sluice-lambda.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { createTableWithStream } from '../helpers/dynamodb-test-table.js';
import { REGION, createTestStream, decodeKinesisData, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';

// Event filtering end to end: FilterCriteria refused or accepted through the real LambdaClient,
// the test endpoint over plain HTTP, and filtered delivery from kinesis-local and moto's DynamoDB
// Streams through a Sluice process with every role.
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
const stack = inject('stack');
const prefix = uniqueName('e2e-filter');
const env = flowEnv(stack, prefix);
let sluice: SluiceProcess;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let redis: Redis;
let fn: RecordingFunction;
let streamArn: string;
const fnName = uniqueName('filter-fn');

/** Sluice with every role in one process. */
async function start(): Promise<void> {
  sluice = await startSluice({ args: ['start', '--role', 'all'], env });
  lambda = sluiceLambdaClient(sluice.url);
}

async function stop(): Promise<void> {
  lambda?.destroy();
  await sluice?.stop();
}

beforeAll(async () => {
  fn = await startRecordingFunction();
  kinesis = kinesisClient(stack.kinesisEndpoint);
  redis = new Redis(stack.redisUrl);
  await start();
  expect(await registerHttpFunction(sluice.url, fnName, fn.url)).toBe(201);
  streamArn = await createTestStream(kinesis, uniqueName('filter-api'), 1);
});

afterAll(async () => {
  kinesis?.destroy();
  await stop();
  await fn?.close();
  await deleteRedisPrefix(stack.redisUrl, prefix);
  redis?.disconnect();
});

const criteria = (...patterns: unknown[]) => ({ Filters: patterns.map((p) => ({ Pattern: typeof p === 'string' ? p : JSON.stringify(p) })) });

const createMapping = (input: Partial<CreateEventSourceMappingCommandInput> & { EventSourceArn: string }) => createStreamMapping(lambda, fnName, input);

async function waitForState(uuid: string, state: string): Promise<void> {
  await waitForMappingState(lambda, uuid, state);
}

async function refusal(action: () => Promise<unknown>): Promise<InvalidParameterValueException> {
  const error = await action().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidParameterValueException);
  return error as InvalidParameterValueException;
}

/** Sluice's diagnosis beside AWS's sentence: the body's SluiceDetail, which the SDK puts on the error. */
function detailOf(error: Error): string {
  return String((error as Error & { SluiceDetail?: string }).SluiceDetail);
}

/** The checkpoint the poller wrote for the mapping's only shard. */
async function checkpointOf(uuid: string): Promise<string | undefined> {
  const keys = await redis.keys(`{${prefix}:leases:${uuid}}:lease:*`);
  return keys.length === 1 ? ((await redis.hget(keys[0]!, 'checkpoint')) ?? undefined) : undefined;
}

describe('FilterCriteria on Create and Update (LambdaClient)', () => {
  it.each([
    ['not JSON', 'not json', /Filters\[0\]\.Pattern: the pattern is not valid JSON/],
    ['a leaf that is not an array', { data: { type: 'buy' } }, /"data\.type" must be an object or an array/],
    ['an empty array', { data: { type: [] } }, /"data\.type": Empty arrays are not allowed/],
    ['numeric with a string operand', { data: { n: [{ numeric: ['>', 'ten'] }] } }, /numeric: Value of > must be numeric/],
    ['exists with a string', { a: [{ exists: 'yes' }] }, /exists match pattern must be either true or false/],
    ['an unknown operator', { a: [{ contains: 'x' }] }, /Unrecognized match type contains/],
    ['wildcard, which Lambda filtering lacks', { a: [{ wildcard: '*.png' }] }, /wildcard/],
  ])('refuses %s on Create with InvalidParameterValueException in Lambda\'s sentence, what is wrong in SluiceDetail', async (_name, pattern, message) => {
    const error = await refusal(() => createMapping({ EventSourceArn: streamArn, FilterCriteria: criteria(pattern) }));
    expect(error.message).toBe('Invalid filter pattern definition.');
    expect(detailOf(error)).toMatch(message);
  });

  it('refuses more filters than allowed (Lambda: 5 by default) and a pattern over 4096 characters', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ k: [String(i)] }));
    expect(detailOf(await refusal(() => createMapping({ EventSourceArn: streamArn, FilterCriteria: criteria(...six) })))).toMatch(/6 filters; at most 5/);
    const long = JSON.stringify({ k: ['x'.repeat(4100)] });
    // A length is the model's constraint: AWS's framework answers it.
    const tooLong = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fnName, EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON', FilterCriteria: criteria(long) })).catch((e: unknown) => e as Error);
    expect([(tooLong as Error).name, (tooLong as Error).message]).toEqual(['ValidationException', `1 validation error detected: Value '${long}' at 'filterCriteria.filters.1.member.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096`]);
  });

  it('accepts valid patterns, returns them, and refuses an invalid one on Update while keeping the old', async () => {
    const good = { data: { type: ['buy'], qty: [{ numeric: ['>', 0, '<=', 10] }] } };
    const uuid = await createMapping({ EventSourceArn: streamArn, StartingPosition: 'LATEST', FilterCriteria: criteria(good, { partitionKey: [{ prefix: 'p-' }] }) });
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(got.FilterCriteria?.Filters?.map((f) => f.Pattern)).toEqual([JSON.stringify(good), '{"partitionKey":[{"prefix":"p-"}]}']);

    await waitForState(uuid, 'Enabled');
    const error = await refusal(() => lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FilterCriteria: criteria({ a: [{ 'anything-but': [] }] }) })));
    expect(detailOf(error)).toMatch(/Filters\[0\]\.Pattern: "a": anything-but: Empty arrays are not allowed/);
    const after = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    expect(after.FilterCriteria?.Filters).toHaveLength(2);
  });
});

describe('POST /sluice/v1/filter-criteria/test', () => {
  async function test(body: unknown): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
    const response = await fetch(`${sluice.url}/sluice/v1/filter-criteria/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, type: response.headers.get('x-amzn-errortype'), json: (await response.json()) as Record<string, unknown> };
  }
  const kinesisEvent = (data: unknown) => ({
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'p-1', sequenceNumber: '1', data: Buffer.from(JSON.stringify(data)).toString('base64'), approximateArrivalTimestamp: 1 },
    eventSource: 'aws:kinesis',
    eventSourceARN: streamArn,
  });

  it('says a Kinesis record matches, decoding its base64 data', async () => {
    const answer = await test({ FilterCriteria: criteria({ data: { order: { type: ['buy'] } } }), Event: kinesisEvent({ order: { type: 'buy' } }) });
    expect(answer).toMatchObject({ status: 200, json: { Result: true, Reasons: [], SourceType: 'kinesis' } });
  });

  it('says why a record does not match: which field failed which rule', async () => {
    const answer = await test({ Pattern: JSON.stringify({ data: { order: { type: ['buy'] }, qty: [{ numeric: ['>', 5] }] } }), Event: kinesisEvent({ order: { type: 'sell' }, qty: 9 }), EventSourceArn: streamArn });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ Result: false, Reasons: ['data.order.type: "sell" does not match ["buy"]'], SourceType: 'kinesis' });
  });

  it('matches a DynamoDB record on typed values and eventName', async () => {
    const event = { eventName: 'INSERT', eventSource: 'aws:dynamodb', dynamodb: { Keys: { Id: { N: '101' } } } };
    const yes = await test({ Pattern: '{"eventName":["INSERT"],"dynamodb":{"Keys":{"Id":{"N":["101"]}}}}', Event: event });
    const no = await test({ Pattern: '{"eventName":["REMOVE"]}', Event: event });
    expect(yes.json).toMatchObject({ Result: true, SourceType: 'dynamodb' });
    expect(no.json).toMatchObject({ Result: false, Reasons: ['eventName: "INSERT" does not match ["REMOVE"]'] });
  });

  it('answers bad input in Lambda\'s error shape', async () => {
    const badPattern = await test({ Pattern: '{"a":"b"}', Event: {} });
    expect(badPattern).toMatchObject({ status: 400, type: 'InvalidParameterValueException' });
    expect(badPattern.json.Message).toMatch(/^Invalid filter pattern definition: Pattern: "a" must be an object or an array/);
    const both = await test({ Pattern: '{"a":["b"]}', FilterCriteria: criteria({ a: ['b'] }), Event: {} });
    expect(both).toMatchObject({ status: 400, type: 'InvalidParameterValueException', json: { Type: 'User', Message: 'Give exactly one of FilterCriteria and Pattern.' } });
    const noEvent = await test({ Pattern: '{"a":["b"]}' });
    expect(noEvent).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(noEvent.json.Message).toMatch(/'event'/);
  });
});

describe('filtered delivery', () => {
  it('Kinesis: only matching records reach the function, the checkpoint passes the rest, and a restart redelivers nothing', async () => {
    const name = uniqueName('filter-flow');
    const arn = await createTestStream(kinesis, name, 1);
    await putJsonRecords(kinesis, name, Array.from({ length: 20 }, (_, i) => (i % 4 === 0 ? 'buy' : 'sell')));
    const tail = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'sell', Data: Buffer.from('not json at all') }));
    const uuid = await createMapping({ EventSourceArn: arn, BatchSize: 2, FilterCriteria: criteria({ data: { key: ['buy'] } }) });
    const received = () => fn.records().filter((r) => r.eventSourceARN === arn);

    await waitFor(() => received().length >= 5, { timeoutMs: 20_000, message: () => `${received().length} of 5 matching records arrived` });
    await waitFor(async () => (await checkpointOf(uuid)) === tail.SequenceNumber, { timeoutMs: 10_000, message: 'the checkpoint never passed the filtered tail' });

    expect(received().map((r) => decodeKinesisData(r).n)).toEqual([0, 4, 8, 12, 16]);
    const batches = fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn);
    expect(batches.map((b) => b.event.Records.length)).toEqual([2, 2, 1]);

    // Restart, then drop the filter: records consumed by the filter are behind the checkpoint, so
    // only a record written afterwards arrives.
    await stop();
    await start();
    await waitForState(uuid, 'Enabled');
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, FilterCriteria: {} }));
    await waitForState(uuid, 'Enabled');
    await putJsonRecords(kinesis, name, ['later'], 100);
    await waitFor(() => received().some((r) => decodeKinesisData(r).n === 100), { timeoutMs: 20_000, message: 'the record after the restart never arrived' });
    expect(received().map((r) => decodeKinesisData(r).n)).toEqual([0, 4, 8, 12, 16, 100]);
  });

  it('DynamoDB Streams: filters on eventName and typed values, and checkpoints past filtered records', async () => {
    const dynamodb = new DynamoDBClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
    const table = uniqueName('filter-tbl');
    const arn = await createTableWithStream(dynamodb, table);
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'a' }, kind: { S: 'keep' }, n: { N: '101' } } }));
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'b' }, kind: { S: 'drop' }, n: { N: '102' } } }));
    await dynamodb.send(new UpdateItemCommand({ TableName: table, Key: { id: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '103' } } }));
    await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { id: { S: 'b' } } }));
    const lastSequence = await lastStreamSequence(arn);

    const uuid = await createMapping({
      EventSourceArn: arn,
      FilterCriteria: criteria({ eventName: ['INSERT'], dynamodb: { NewImage: { kind: { S: ['keep'] }, n: { N: [{ prefix: '10' }] } } } }),
    });
    const received = () => fn.records().filter((r) => r.eventSourceARN === arn);
    await waitFor(() => received().length >= 1, { timeoutMs: 20_000, message: 'the matching INSERT never arrived' });
    await waitFor(async () => (await checkpointOf(uuid)) === lastSequence, { timeoutMs: 10_000, message: 'the checkpoint never passed the filtered records' });

    expect(received()).toHaveLength(1);
    expect(received()[0]).toMatchObject({ eventName: 'INSERT', dynamodb: { Keys: { id: { S: 'a' } } } });
    dynamodb.destroy();
  });
});

/** The sequence number of the last record of a (one-shard) moto stream, read directly. */
async function lastStreamSequence(streamArn: string): Promise<string> {
  const streams = new DynamoDBStreamsClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
  const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const shardId = described.StreamDescription!.Shards![0]!.ShardId!;
  const iterator = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const records = await streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }));
  streams.destroy();
  return records.Records!.at(-1)!.dynamodb!.SequenceNumber!;
}
