import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import { TEST_CREDENTIALS, deleteSettledMapping } from '../helpers/sluice-lambda.js';
import { createTestQueue, receiveJsonMessages } from '../helpers/sqs-test-queue.js';
import type { RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { ACCOUNT, REGION, createTestStream, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';

// A failing function's batches, with MaximumRetryAttempts 0: parked in the dead-letter store when
// the mapping has no on-failure destination (then inspected, replayed, purged over REST), sent to
// SQS when it has one. Sluice runs as a separate process with every role.
const stack = inject('stack');
const prefix = uniqueName('e2e-dlq');
const fnName = uniqueName('dlq-fn');
let sluice: SluiceProcess;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let sqs: SQSClient;
let fn: RecordingFunction;
let harness: SluiceWithFunction<SluiceProcess>;
/** Streams whose records the function fails. */
const broken = new Set<string>();

type KinesisRecord = { eventSourceARN: string; eventID: string; kinesis: { sequenceNumber: string; approximateArrivalTimestamp: number } };
type Json = Record<string, unknown>;

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  sqs = new SQSClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
  harness = await startSluiceWithFunction(stack, { prefix, functionName: fnName });
  ({ sluice, lambda, fn } = harness);
  fn.respond = (event) => (broken.has(String(event.Records[0]?.eventSourceARN)) ? { status: 500, body: { errorMessage: 'boom' } } : { status: 200 });
});

afterAll(async () => {
  kinesis?.destroy();
  sqs?.destroy();
  await harness?.close();
});

async function api(method: string, path: string): Promise<{ status: number; type: string | null; body: Json }> {
  const res = await fetch(`${sluice.url}${path}`, { method });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: text === '' ? {} : (JSON.parse(text) as Json) };
}

/** A one-shard stream with `n` records already in it, whose records the function fails. */
async function failingStream(n: number, first = 0) {
  const name = uniqueName('dlq-stream');
  const arn = await createTestStream(kinesis, name, 1);
  broken.add(arn);
  await putJsonRecords(kinesis, name, Array.from({ length: n }, () => 'k'), first);
  return { name, arn };
}

const deleteMapping = (uuid: string) => deleteSettledMapping(lambda, uuid);

/** The records the function was sent from one stream, per invocation. */
const invocationsFrom = (arn: string) => fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn).map((e) => e.event.Records as unknown as KinesisRecord[]);

/** AWS's failure record for a batch of `records` that failed once with a 500 (aws-facts 2.4). */
function expectedFailureRecord(arn: string, records: KinesisRecord[]) {
  const arrival = (r: KinesisRecord) => new Date(Math.round(r.kinesis.approximateArrivalTimestamp * 1000)).toISOString();
  return {
    requestContext: {
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fnName}`,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 1,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    KinesisBatchInfo: {
      shardId: records[0]!.eventID.split(':')[0],
      startSequenceNumber: records[0]!.kinesis.sequenceNumber,
      endSequenceNumber: records.at(-1)!.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: arrival(records[0]!),
      approximateArrivalOfLastRecord: arrival(records.at(-1)!),
      batchSize: records.length,
      streamArn: arn,
    },
  };
}

async function waitForDeadLetters(uuid: string, count: number) {
  return waitFor(async () => {
    const { body } = await api('GET', `/sluice/v1/dead-letters?MappingId=${uuid}`);
    const list = body.DeadLetters as Json[];
    return list.length >= count ? list : undefined;
  }, { timeoutMs: 30_000, message: `${count} dead letters never appeared for ${uuid}` });
}

describe('dead-letter store', () => {
  it('parks a batch discarded without a destination; replay delivers it and removes it; purge removes the rest', async () => {
    const stream = await failingStream(3);
    const { UUID: uuid } = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: fnName, EventSourceArn: stream.arn, StartingPosition: 'TRIM_HORIZON', BatchSize: 10, MaximumRetryAttempts: 0 }),
    );

    const [listed] = await waitForDeadLetters(uuid!, 1);
    const [sent] = invocationsFrom(stream.arn);
    expect(sent).toHaveLength(3);
    expect(listed).toEqual({
      Id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      Kind: 'stream-batch',
      MappingId: uuid,
      FunctionName: fnName,
      CreatedAt: expect.stringMatching(/Z$/),
      RecordCount: 3,
      FailureRecord: expectedFailureRecord(stream.arn, sent!),
      Replays: 0,
    });
    const id = String(listed!.Id);
    const inspected = await api('GET', `/sluice/v1/dead-letters/${id}`);
    expect(inspected.body).toEqual({ ...listed, Payload: { Records: sent } });

    // The function is fixed; the replay reaches it with the parked records and the entry goes.
    broken.delete(stream.arn);
    const replay = await api('POST', `/sluice/v1/dead-letters/${id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual(inspected.body);
    await waitFor(async () => (await api('GET', `/sluice/v1/dead-letters/${id}`)).status === 404, { message: 'the replayed entry was never removed' });
    expect(invocationsFrom(stream.arn).at(-1)).toEqual(sent);
    expect(await api('GET', `/sluice/v1/dead-letters/${id}`)).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });

    // Two more failing batches, purged one by id and one with the mapping's.
    broken.add(stream.arn);
    await putJsonRecords(kinesis, stream.name, ['k'], 100);
    await waitForDeadLetters(uuid!, 1);
    await putJsonRecords(kinesis, stream.name, ['k'], 200);
    const two = await waitForDeadLetters(uuid!, 2);
    // Newest first.
    expect(two.map((d) => (d.FailureRecord as { KinesisBatchInfo: { startSequenceNumber: string } }).KinesisBatchInfo.startSequenceNumber)).toEqual(
      invocationsFrom(stream.arn).slice(-2).reverse().map((records) => records[0]!.kinesis.sequenceNumber),
    );
    const paged = await api('GET', `/sluice/v1/dead-letters?MappingId=${uuid}&MaxItems=1`);
    expect(paged.body).toEqual({ NextMarker: two[0]!.Id, DeadLetters: [two[0]] });
    expect((await api('GET', `/sluice/v1/dead-letters?MappingId=${uuid}&Marker=${String(two[0]!.Id)}`)).body).toEqual({ DeadLetters: [two[1]] });

    expect((await api('DELETE', `/sluice/v1/dead-letters/${String(two[0]!.Id)}`)).status).toBe(204);
    expect(await api('DELETE', `/sluice/v1/dead-letters/${String(two[0]!.Id)}`)).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });
    expect(await api('DELETE', `/sluice/v1/dead-letters?MappingId=${uuid}`)).toMatchObject({ status: 200, body: { PurgedCount: 1 } });
    expect((await api('GET', `/sluice/v1/dead-letters?MappingId=${uuid}`)).body).toEqual({ DeadLetters: [] });
    await deleteMapping(uuid!);
  });

  it('answers bad queries and unknown ids in Lambda error shape', async () => {
    expect(await api('GET', '/sluice/v1/dead-letters?MaxItems=0')).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(await api('GET', '/sluice/v1/dead-letters?MappingId=nope')).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(await api('GET', '/sluice/v1/dead-letters?Color=red')).toMatchObject({ status: 400, type: 'InvalidParameterValueException' });
    expect(await api('DELETE', '/sluice/v1/dead-letters')).toMatchObject({ status: 400, type: 'InvalidParameterValueException' });
    expect(await api('GET', '/sluice/v1/dead-letters/0190f2a4-1111-7111-8111-111111111111')).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });
    expect(await api('POST', '/sluice/v1/dead-letters/not-an-id/replay')).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });
  });

  it('sends the failure record to an SQS on-failure destination instead of parking it', async () => {
    const queue = await createTestQueue(sqs, uniqueName('dlq-queue'));
    const stream = await failingStream(2);
    const { UUID: uuid } = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fnName,
        EventSourceArn: stream.arn,
        StartingPosition: 'TRIM_HORIZON',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: queue.arn } },
      }),
    );

    const [body] = await receiveJsonMessages(sqs, queue.url, { waitTimeSeconds: 1, timeoutMs: 30_000, message: 'no failure record arrived in SQS' });

    expect(body).toEqual(expectedFailureRecord(stream.arn, invocationsFrom(stream.arn)[0]!));
    expect((await api('GET', `/sluice/v1/dead-letters?MappingId=${uuid}`)).body).toEqual({ DeadLetters: [] });
    await deleteMapping(uuid!);
    await queue.delete();
  });
});
