import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { flowEnv, registerFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { deleteSettledMapping, sluiceLambdaClient } from '../helpers/sluice-lambda.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { lambdaResult, startStubLambdaEndpoint, type StubLambdaEndpoint } from '../helpers/stub-lambda-endpoint.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { ACCOUNT, REGION, createTestStream, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';

// Kinesis records reach functions registered with the local Node invoker and the Lambda invoker,
// through a Sluice process running every role, set up only through its registry API. The Node
// handler is a module Sluice runs in its own execution environment; it forwards each event it gets
// to a recording HTTP server so the test sees exactly what the handler saw. The Lambda invoker calls
// a stub of Lambda's Invoke API (moto 5.2's Lambda runs code only in Docker; without Docker it only
// echoes the payload and keeps no record of the invocations).
const stack = inject('stack');
const prefix = uniqueName('e2e-invokers');
const example = (JSON.parse(readFileSync(new URL('../fixtures/events/kinesis/record.json', import.meta.url), 'utf8')) as { Records: [Record<string, unknown>] }).Records[0];
let sluice: SluiceProcess;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let forwarded: RecordingFunction;
let stub: StubLambdaEndpoint;
let functionsDir: string;

/** A handler that posts each event it is given, unchanged, to `target`; the invocation fails if that fails. */
const forwardingHandler = (target: string) => `
export const handler = async (event) => {
  const res = await fetch(${JSON.stringify(target)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
  if (!res.ok) throw new Error('the recorder answered ' + res.status);
  return null;
};
`;

beforeAll(async () => {
  forwarded = await startRecordingFunction();
  stub = await startStubLambdaEndpoint((_call, res) => lambdaResult(res, 'null'));
  functionsDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-fns-'));
  writeFileSync(join(functionsDir, 'forward.mjs'), forwardingHandler(forwarded.url));
  kinesis = kinesisClient(stack.kinesisEndpoint);
  sluice = await startSluice({
    args: ['start', '--role', 'all'],
    env: flowEnv(stack, prefix, { AWS_ENDPOINT_URL_LAMBDA: stub.url, SLUICE_FUNCTIONS_DIR: functionsDir }),
  });
  lambda = sluiceLambdaClient(sluice.url);
});

afterAll(async () => {
  lambda?.destroy();
  kinesis?.destroy();
  await sluice?.stop();
  await Promise.all([forwarded?.close(), stub?.close()]);
  if (functionsDir !== undefined) rmSync(functionsDir, { recursive: true, force: true });
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

/** Registers a function over plain HTTP with the wire format the README documents. */
async function register(name: string, invoker: Record<string, string>): Promise<void> {
  const { status, text } = await registerFunction(sluice.url, { FunctionName: name, Invoker: invoker, Timeout: 10 });
  expect(status, text).toBe(201);
}

/** A one-shard stream with `n` records in it, mapped to `fnName` from TRIM_HORIZON in batches of 4. */
async function streamMappedTo(fnName: string, n: number) {
  const name = uniqueName('invk-stream');
  const arn = await createTestStream(kinesis, name, 1);
  const put = await putJsonRecords(kinesis, name, Array.from({ length: n }, (_, i) => `key-${i % 3}`));
  const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fnName, EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON', BatchSize: 4 }));
  return { arn, put, uuid: UUID! };
}

const deleteMapping = (uuid: string) => deleteSettledMapping(lambda, uuid);

type KinesisEvent = { Records: { eventID: string; kinesis: { sequenceNumber: string } }[] };

/**
 * Every event is Lambda's Kinesis event (the example record's members, nothing more, values of
 * this stream), each record once, in the order it was put, at most BatchSize (4) per event.
 */
function expectLambdaKinesisEvents(events: KinesisEvent[], arn: string, put: { n: number; key: string }[]) {
  const records = events.flatMap((e) => e.Records);
  expect(events.every((e) => e.Records.length >= 1 && e.Records.length <= 4)).toBe(true);
  expect(records).toEqual(
    put.map(({ n, key }) => ({
      ...example,
      kinesis: {
        ...(example.kinesis as object),
        partitionKey: key,
        sequenceNumber: expect.stringMatching(/^\d+$/),
        data: Buffer.from(JSON.stringify({ n, key })).toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventID: expect.stringMatching(/^shardId-000000000000:\d+$/),
      invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/sluice`,
      awsRegion: REGION,
      eventSourceARN: arn,
    })),
  );
  const sequenceNumbers = records.map((r) => BigInt(r.kinesis.sequenceNumber));
  expect(records.every((r) => r.eventID.endsWith(`:${r.kinesis.sequenceNumber}`))).toBe(true);
  expect(sequenceNumbers.every((s, i) => i === 0 || s > sequenceNumbers[i - 1]!)).toBe(true);
}

describe('invokers, end to end from Kinesis', () => {
  it('runs a local Node handler ({"Type":"node"}) with each batch as Lambda\'s Kinesis event, in order', async () => {
    const fnName = uniqueName('node-fn');
    await register(fnName, { Type: 'node', Module: './forward.mjs', Handler: 'handler' });
    const { arn, put, uuid } = await streamMappedTo(fnName, 10);

    await waitFor(() => forwarded.records().length >= put.length, {
      timeoutMs: 30_000,
      message: () => `the Node handler forwarded ${forwarded.records().length} of ${put.length} records:\n${sluice.output()}`,
    });

    expectLambdaKinesisEvents(forwarded.events.map((e) => e.event as unknown as KinesisEvent), arn, put);
    await deleteMapping(uuid);
  });

  it('invokes a Lambda function ({"Type":"lambda"}) through the Invoke API with the qualifier, in order', async () => {
    const fnName = uniqueName('lambda-fn');
    await register(fnName, { Type: 'lambda', FunctionName: 'remote-orders', Qualifier: 'live' });
    const { arn, put, uuid } = await streamMappedTo(fnName, 10);

    await waitFor(() => stub.calls.flatMap((c) => (JSON.parse(c.body) as KinesisEvent).Records).length >= put.length, {
      timeoutMs: 30_000,
      message: () => `the Lambda endpoint got ${stub.calls.length} invocations:\n${sluice.output()}`,
    });

    expect(stub.calls.every((c) => c.functionName === 'remote-orders' && c.qualifier === 'live' && c.headers['x-amz-invocation-type'] === 'RequestResponse')).toBe(true);
    expectLambdaKinesisEvents(stub.calls.map((c) => JSON.parse(c.body) as KinesisEvent), arn, put);
    await deleteMapping(uuid);
  });
});
