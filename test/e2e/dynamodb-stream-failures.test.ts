import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type CreateEventSourceMappingCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { TEST_CREDENTIALS, deleteSettledMapping } from '../helpers/sluice-lambda.js';
import { createTestQueue, receiveJsonMessages, type TestQueue } from '../helpers/sqs-test-queue.js';
import type { RecordingAnswer, RecordingFunction } from '../helpers/recording-function.js';
import { createTableWithStream } from '../helpers/dynamodb-test-table.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { ACCOUNT, REGION } from '../helpers/kinesis-test-stream.js';

// DynamoDB Streams batches that fail, end to end: a table with a stream in moto server, a mapping
// created through Sluice's Lambda API, a function that fails the way a Lambda function does (200
// with X-Amz-Function-Error: Unhandled), and an SQS on-failure destination in moto. The record must
// be AWS's DynamoDB failure record: DDBStreamBatchInfo, arrival times to the second
// (https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html).
const stack = inject('stack');
const prefix = uniqueName('e2e-ddbfail');
const fnName = uniqueName('ddb-fail-fn');
const fixture = JSON.parse(readFileSync(new URL('../fixtures/destinations/dynamodb-retry-attempts-exhausted.json', import.meta.url), 'utf8')) as {
  requestContext: Record<string, unknown>;
  DDBStreamBatchInfo: Record<string, unknown>;
} & Record<string, unknown>;
let lambda: LambdaClient;
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let sqs: SQSClient;
let fn: RecordingFunction;
let harness: SluiceWithFunction<SluiceProcess>;
/** Item ids the function fails on: any event that carries one of them fails as a whole. */
const poison = new Set<string>();
/** Answers of their own for some streams (by ARN), given the records and the invocation's number (1 for the first). */
const answers = new Map<string, (records: DynamoDbRecord[], call: number) => RecordingAnswer>();
const cleanups: (() => Promise<unknown>)[] = [];

type DynamoDbRecord = { eventSourceARN: string; dynamodb: { Keys: { id: { S: string } }; SequenceNumber: string; ApproximateCreationDateTime: number } };

beforeAll(async () => {
  const aws = { region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint };
  dynamodb = new DynamoDBClient(aws);
  streams = new DynamoDBStreamsClient(aws);
  sqs = new SQSClient(aws);
  harness = await startSluiceWithFunction(stack, { prefix, functionName: fnName });
  ({ lambda, fn } = harness);
  fn.respond = (event): RecordingAnswer => {
    const records = event.Records as unknown as DynamoDbRecord[];
    const own = answers.get(records[0]!.eventSourceARN);
    if (own !== undefined) return own(records, invocationsFrom(records[0]!.eventSourceARN).length);
    return records.some((r) => poison.has(r.dynamodb.Keys.id.S))
      ? { status: 200, headers: { 'X-Amz-Function-Error': 'Unhandled' }, body: { errorType: 'Error', errorMessage: 'poison item' } }
      : { status: 200 };
  };
});

afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c().catch(() => undefined)));
  for (const client of [dynamodb, streams, sqs]) client?.destroy();
  await harness?.close();
});

/** A table with a stream, the given items already written (so one batch carries them all); its stream ARN and shard. */
async function tableWithItems(ids: readonly string[]): Promise<{ streamArn: string; shardId: string }> {
  const table = uniqueName('ddb-fail');
  const streamArn = await createTableWithStream(dynamodb, table);
  cleanups.push(() => dynamodb.send(new DeleteTableCommand({ TableName: table })));
  for (const id of ids) await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, v: { N: '1' } } }));
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  return { streamArn, shardId: StreamDescription!.Shards![0]!.ShardId! };
}

async function sqsQueue(): Promise<TestQueue> {
  const queue = await createTestQueue(sqs, uniqueName('ddb-dlq'));
  cleanups.push(queue.delete);
  return queue;
}

/** A mapping from TRIM_HORIZON in batches of up to 10, with MaximumRetryAttempts 0 unless `extra` says otherwise. */
async function createMapping(streamArn: string, destination: string | undefined, extra: Partial<CreateEventSourceMappingCommandInput> = {}): Promise<string> {
  const { UUID } = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: fnName,
      EventSourceArn: streamArn,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 10,
      MaximumRetryAttempts: 0,
      ...(destination === undefined ? {} : { DestinationConfig: { OnFailure: { Destination: destination } } }),
      ...extra,
    }),
  );
  return UUID!;
}

const deleteMapping = (uuid: string) => deleteSettledMapping(lambda, uuid);

const receiveOne = (url: string) => receiveJsonMessages(sqs, url, { waitTimeSeconds: 1, timeoutMs: 30_000, message: `no failure record arrived in ${url}` });

/** The events the function was sent from one stream, as the ids of their items. */
const invocationsFrom = (streamArn: string) =>
  fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === streamArn).map((e) => (e.event.Records as unknown as DynamoDbRecord[]).map((r) => r.dynamodb.Keys.id.S));

function recordOf(streamArn: string, id: string): DynamoDbRecord {
  const records = fn.records() as unknown as DynamoDbRecord[];
  return records.find((r) => r.eventSourceARN === streamArn && r.dynamodb.Keys.id.S === id)!;
}

/**
 * The fixture (AWS's record for one item given up on) with only what differs per run replaced:
 * the request id and timestamp (checked by format), the function, stream, shard and the item's
 * sequence number and creation time as the function saw them.
 */
function expectedFromFixture(streamArn: string, shardId: string, item: DynamoDbRecord, approximateInvokeCount: number) {
  const arrival = `${new Date(Math.floor(item.dynamodb.ApproximateCreationDateTime) * 1000).toISOString().slice(0, 19)}Z`;
  return {
    ...fixture,
    requestContext: {
      ...fixture.requestContext,
      requestId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fnName}`,
      approximateInvokeCount,
    },
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    DDBStreamBatchInfo: {
      ...fixture.DDBStreamBatchInfo,
      shardId,
      startSequenceNumber: item.dynamodb.SequenceNumber,
      endSequenceNumber: item.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: arrival,
      approximateArrivalOfLastRecord: arrival,
      streamArn,
    },
  };
}

describe('DynamoDB Streams batches that fail', () => {
  it('send AWS\'s DynamoDB failure record to SQS when the retries are spent', async () => {
    const id = uniqueName('bad');
    poison.add(id);
    const { streamArn, shardId } = await tableWithItems([id]);
    const dlq = await sqsQueue();
    const uuid = await createMapping(streamArn, dlq.arn);

    const bodies = await receiveOne(dlq.url);

    expect(invocationsFrom(streamArn)).toEqual([[id]]);
    expect(bodies).toEqual([expectedFromFixture(streamArn, shardId, recordOf(streamArn, id), 1)]);
    await deleteMapping(uuid);
  });

  it('bisect isolates a poison item: the others are delivered once, in order, and only it goes to SQS', async () => {
    const bad = uniqueName('bad');
    poison.add(bad);
    const { streamArn, shardId } = await tableWithItems(['a', 'b', bad, 'd']);
    const dlq = await sqsQueue();
    const uuid = await createMapping(streamArn, dlq.arn, { BisectBatchOnFunctionError: true });

    const bodies = await receiveOne(dlq.url);
    await waitFor(() => invocationsFrom(streamArn).some((ids) => ids.includes('d') && !ids.includes(bad)), {
      timeoutMs: 20_000,
      message: () => `the item after the poison one never arrived: ${JSON.stringify(invocationsFrom(streamArn))}`,
    });

    // Split in halves (splits spend no retries), the failing half again, then the poison item alone.
    expect(invocationsFrom(streamArn)).toEqual([['a', 'b', bad, 'd'], ['a', 'b'], [bad, 'd'], [bad], ['d']]);
    expect(bodies).toEqual([expectedFromFixture(streamArn, shardId, recordOf(streamArn, bad), 3)]);
    await deleteMapping(uuid);
  });

  it('with ReportBatchItemFailures, retries from the lowest reported item, named by its DynamoDB sequence number', async () => {
    const { streamArn } = await tableWithItems(['a', 'b', 'c', 'd']);
    answers.set(streamArn, (records, call) =>
      call === 1 ? { status: 200, body: { batchItemFailures: [records[3]!, records[1]!].map((r) => ({ itemIdentifier: r.dynamodb.SequenceNumber })) } } : { status: 200 },
    );
    const uuid = await createMapping(streamArn, undefined, { FunctionResponseTypes: ['ReportBatchItemFailures'], MaximumRetryAttempts: 1 });

    await waitFor(() => invocationsFrom(streamArn).length >= 2 && fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === streamArn).every((e) => e.answered), {
      timeoutMs: 20_000,
      message: () => `the batch was not retried: ${JSON.stringify(invocationsFrom(streamArn))}`,
    });

    expect(invocationsFrom(streamArn)).toEqual([
      ['a', 'b', 'c', 'd'],
      ['b', 'c', 'd'],
    ]);
    await deleteMapping(uuid);
  });
});
