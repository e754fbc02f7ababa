import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListFunctionEventInvokeConfigsCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { Redis } from 'ioredis';
import { createAsyncInvocationQueue, createRedisKeys, type AsyncInvocationQueue } from '@sluice/shared';
import { registerFunction, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { sluiceLambdaClient } from '../helpers/sluice-lambda.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { lambdaError, lambdaResult, startStubLambdaEndpoint, type StubLambdaEndpoint } from '../helpers/stub-lambda-endpoint.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// Lambda's Invoke API (aws-facts 3.8) and event-invoke-config API (3.7) through the real AWS SDK,
// against Sluice's API role as a separate process. No worker runs, so Event invocations stay in
// the async-invocations queue, where the test reads them (the worker's side is tested with it).
const stack = inject('stack');
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const prefix = uniqueName('e2e-invoke');
const FUNCTIONS_DIR = fileURLToPath(new URL('../fixtures/node-functions/', import.meta.url));
const MIB = 1024 * 1024;
const echo = uniqueName('echo');
let sluice: SluiceProcess;
let lambda: LambdaClient;
let http: RecordingFunction;
let remote: StubLambdaEndpoint;
let redis: Redis;
let queue: AsyncInvocationQueue;

type Json = Record<string, unknown>;

async function register(body: Json): Promise<void> {
  const { status, text } = await registerFunction(sluice.url, body);
  expect(status, text).toBe(201);
}

const nodeFunction = (name: string, extra: Json = {}) => register({ FunctionName: name, Invoker: { Type: 'node', Module: './invoke-echo.mjs', Handler: 'handler' }, Timeout: 10, ...extra });

const invoke = (input: Omit<ConstructorParameters<typeof InvokeCommand>[0], 'Payload'> & { Payload?: string }) =>
  lambda.send(new InvokeCommand({ ...input, ...(input.Payload === undefined ? {} : { Payload: Buffer.from(input.Payload) }) }));

const text = (payload: Uint8Array | undefined) => Buffer.from(payload ?? new Uint8Array()).toString('utf8');

/** The error an SDK call rejected with: its class name, HTTP status and the raw members. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string; error: Json }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number } },
  );
  expect(error, 'the call should have failed').toBeDefined();
  return { name: error!.name, status: error!.$metadata?.httpStatusCode, message: error!.message, error: error as unknown as Json };
}

beforeAll(async () => {
  http = await startRecordingFunction();
  // A Lambda function behind the lambda invoker: its Tail comes back as Lambda wrote it; a refusal is ours.
  remote = await startStubLambdaEndpoint((call, res) => {
    if (call.functionName === 'refused') return lambdaError(res, 403, 'AccessDeniedException', 'not allowed');
    const logResult = call.headers['x-amz-log-type'] === 'Tail' ? Buffer.from('START RequestId: r1 Version: $LATEST\nremote line\nEND RequestId: r1\n').toString('base64') : undefined;
    lambdaResult(res, JSON.stringify({ remote: JSON.parse(call.body) as unknown }), logResult === undefined ? {} : { logResult });
  });
  sluice = await startSluice({ env: stackEnv(stack, prefix, { SLUICE_FUNCTIONS_DIR: FUNCTIONS_DIR }) });
  lambda = sluiceLambdaClient(sluice.url);
  redis = new Redis(stack.redisUrl, { maxRetriesPerRequest: null });
  queue = createAsyncInvocationQueue(redis, createRedisKeys(prefix));
  await nodeFunction(echo);
});

afterAll(async () => {
  lambda?.destroy();
  await queue?.close();
  redis?.disconnect();
  await sluice?.stop();
  await http?.close();
  await remote?.close();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('RequestResponse', () => {
  it('runs the function and answers 200 with its result, the request id as the function\'s, $LATEST executed', async () => {
    const out = await invoke({ FunctionName: echo, Payload: JSON.stringify({ order: 7 }) });

    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    expect(out.LogResult).toBeUndefined();
    expect(JSON.parse(text(out.Payload))).toEqual({ echo: { order: 7 }, requestId: out.$metadata.requestId });
  });

  it('a full ARN, a partial ARN and Qualifier $LATEST name the same function; no payload is {}', async () => {
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${echo}`;
    for (const input of [
      { FunctionName: arn },
      { FunctionName: `${ACCOUNT}:function:${echo}`, Qualifier: '$LATEST' },
      { FunctionName: `${arn}:$LATEST` },
    ]) {
      const out = await invoke(input);
      expect(out.StatusCode).toBe(200);
      expect(JSON.parse(text(out.Payload))).toMatchObject({ echo: {} });
    }
  });

  it('LogType Tail: the invocation\'s log, base64, START to REPORT, with what the function console.logged', async () => {
    const out = await invoke({ FunctionName: echo, LogType: 'Tail', Payload: '{"tail":true}' });

    const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
    const requestId = out.$metadata.requestId!;
    expect(log).toContain(`START RequestId: ${requestId} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`\\t${requestId}\\tINFO\\techo got \\{"tail":true\\}`));
    expect(log).toContain(`END RequestId: ${requestId}`);
    expect(log).toMatch(new RegExp(`REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB`));
  });

  it('Tail keeps the last 4 KB of a longer log', async () => {
    const out = await invoke({ FunctionName: echo, LogType: 'Tail', Payload: '{"logLines":200}' });

    const bytes = Buffer.from(out.LogResult ?? '', 'base64');
    expect(bytes.length).toBeLessThanOrEqual(4096);
    expect(bytes.length).toBeGreaterThan(4000);
    const log = bytes.toString('utf8');
    expect(log).toContain('line 199 ');
    expect(log).not.toContain('line 0 ');
    expect(log).toContain(`REPORT RequestId: ${out.$metadata.requestId}`);
  });

  it('a function error is 200 with X-Amz-Function-Error Unhandled and the error object', async () => {
    const out = await invoke({ FunctionName: echo, Payload: '{"fail":"on purpose"}' });

    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(JSON.parse(text(out.Payload))).toMatchObject({ errorType: 'RangeError', errorMessage: 'asked to fail: on purpose' });
  });

  it('an HTTP function: its answer, its failure as Unhandled, and Tail with Lambda\'s platform lines only', async () => {
    const name = uniqueName('http-fn');
    await register({ FunctionName: name, Invoker: { Type: 'http', Url: http.url } });
    http.respond = (event) => (event.fail ? { status: 500, body: { errorMessage: 'down' } } : { status: 200, body: { got: event } });

    const ok = await invoke({ FunctionName: name, LogType: 'Tail', Payload: '{"n":1}' });
    const failed = await invoke({ FunctionName: name, Payload: '{"fail":1}' });

    expect(JSON.parse(text(ok.Payload))).toEqual({ got: { n: 1 } });
    const log = Buffer.from(ok.LogResult ?? '', 'base64').toString('utf8');
    expect(log.split('\n').filter(Boolean).map((line) => line.split(' ')[0])).toEqual(['START', 'END', 'REPORT']);
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe('Unhandled');
  });

  it('a lambda function: its result, and with Tail the log Lambda returned', async () => {
    const name = uniqueName('remote-fn');
    await register({ FunctionName: name, Invoker: { Type: 'lambda', FunctionName: 'remote', EndpointUrl: remote.url } });

    const out = await invoke({ FunctionName: name, LogType: 'Tail', Payload: '{"n":2}' });

    expect(JSON.parse(text(out.Payload))).toEqual({ remote: { n: 2 } });
    expect(Buffer.from(out.LogResult ?? '', 'base64').toString('utf8')).toBe('START RequestId: r1 Version: $LATEST\nremote line\nEND RequestId: r1\n');
  });

  it('a lambda function whose Lambda refuses the call: 502 ServiceException, the function did not run', async () => {
    const name = uniqueName('remote-refused');
    await register({ FunctionName: name, Invoker: { Type: 'lambda', FunctionName: 'refused', EndpointUrl: remote.url } });

    const { name: type, status } = await failure(invoke({ FunctionName: name, Payload: '{}' }));

    expect([type, status]).toEqual(['ServiceException', 502]);
  });

  it('accepts a 2 MB payload (6 MB is the limit here) while other routes keep the 1 MB API body limit', async () => {
    const big = JSON.stringify({ pad: 'p'.repeat(2 * MIB) });

    const out = await invoke({ FunctionName: echo, Payload: big });
    const elsewhere = await fetch(`${sluice.url}/sluice/v1/functions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });

    expect(out.StatusCode).toBe(200);
    expect((JSON.parse(text(out.Payload)) as { echo: { pad: string } }).echo.pad).toHaveLength(2 * MIB);
    expect(elsewhere.status).toBe(413);
    expect(elsewhere.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
  });
});

describe('Event', () => {
  it('answers 202 with no body at once and queues the event under the response\'s request id; nothing runs here', async () => {
    const name = uniqueName('http-ev');
    await register({ FunctionName: name, Invoker: { Type: 'http', Url: http.url } });
    const before = Date.now();

    const out = await invoke({ FunctionName: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`, InvocationType: 'Event', Payload: '{"order":42}' });

    expect(out.StatusCode).toBe(202);
    expect(text(out.Payload)).toBe('');
    const requestId = out.$metadata.requestId!;
    const job = await queue.getJob(requestId);
    expect(job?.data).toEqual({ requestId, functionName: name, qualifier: '$LATEST', payload: '{"order":42}', acceptedAt: expect.any(Number), origin: 'invoke' });
    expect(job!.data.acceptedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(http.events.some((e) => (e.event as Json).order === 42)).toBe(false);
  });

  it('a payload over 1 MB is 413 RequestTooLargeException and queues nothing', async () => {
    const countBefore = await queue.count();

    const { name, status, message } = await failure(invoke({ FunctionName: echo, InvocationType: 'Event', Payload: JSON.stringify({ pad: 'p'.repeat(MIB) }) }));

    expect([name, status]).toEqual(['RequestTooLargeException', 413]);
    expect(message).toContain('too large for the Event invocation type (limit 1048576 bytes)');
    expect(await queue.count()).toBe(countBefore);
  });

  it('a function deleted after Event invocations of it is refused again (404), its cached definition dropped', async () => {
    const name = uniqueName('http-gone');
    await register({ FunctionName: name, Invoker: { Type: 'http', Url: http.url } });
    expect((await invoke({ FunctionName: name, InvocationType: 'Event', Payload: '{}' })).StatusCode).toBe(202);

    expect((await fetch(`${sluice.url}/sluice/v1/functions/${name}`, { method: 'DELETE' })).status).toBe(204);

    const { name: type, status } = await waitFor(() => failure(invoke({ FunctionName: name, InvocationType: 'Event', Payload: '{}' })), { timeoutMs: 2_000 });
    expect([type, status]).toEqual(['ResourceNotFoundException', 404]);
  });

  it('an unknown function is 404 and queues nothing', async () => {
    const { name, status } = await failure(invoke({ FunctionName: uniqueName('ghost'), InvocationType: 'Event', Payload: '{}' }));
    expect([name, status]).toEqual(['ResourceNotFoundException', 404]);
  });
});

describe('DryRun', () => {
  it('answers 204 when the function exists and the payload is JSON; runs and queues nothing', async () => {
    const countBefore = await queue.count();
    const eventsBefore = http.events.length;
    const name = uniqueName('http-dry');
    await register({ FunctionName: name, Invoker: { Type: 'http', Url: http.url } });

    const out = await invoke({ FunctionName: name, InvocationType: 'DryRun', Payload: '{"a":1}' });

    expect(out.StatusCode).toBe(204);
    expect(await queue.count()).toBe(countBefore);
    expect(http.events.length).toBe(eventsBefore);
  });

  it('still validates: unknown function 404, bad JSON 400', async () => {
    expect((await failure(invoke({ FunctionName: uniqueName('ghost'), InvocationType: 'DryRun' }))).name).toBe('ResourceNotFoundException');
    expect((await failure(invoke({ FunctionName: echo, InvocationType: 'DryRun', Payload: '{nope' }))).name).toBe('InvalidRequestContentException');
  });
});

describe('errors in Lambda\'s shape', () => {
  it('unknown function: 404 ResourceNotFoundException naming its ARN', async () => {
    const ghost = uniqueName('ghost');
    const { name, status, message } = await failure(invoke({ FunctionName: ghost, Payload: '{}' }));
    expect([name, status, message]).toEqual(['ResourceNotFoundException', 404, `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${ghost}`]);
  });

  it('a qualifier other than $LATEST: 404, as for a version or alias that does not exist', async () => {
    const { name, status, message } = await failure(invoke({ FunctionName: echo, Qualifier: 'prod', Payload: '{}' }));
    expect([name, status, message]).toEqual(['ResourceNotFoundException', 404, `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:${echo}:prod`]);
  });

  it('a payload over 6 MB: 413 RequestTooLargeException', async () => {
    const { name, status, message } = await failure(invoke({ FunctionName: echo, Payload: JSON.stringify({ pad: 'p'.repeat(6 * MIB) }) }));
    expect([name, status, message]).toEqual(['RequestTooLargeException', 413, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation']);
  });

  it('a payload that is not JSON: 400 InvalidRequestContentException', async () => {
    const { name, status, message } = await failure(invoke({ FunctionName: echo, Payload: 'not json' }));
    expect([name, status]).toEqual(['InvalidRequestContentException', 400]);
    expect(message).toContain('Could not parse request body into json');
  });

  it('reserved concurrency 0: 429 TooManyRequestsException, ReservedFunctionConcurrentInvocationLimitExceeded', async () => {
    const name = uniqueName('zero');
    await nodeFunction(name, { ReservedConcurrentExecutions: 0 });

    const { name: type, status, error } = await failure(invoke({ FunctionName: name, Payload: '{}' }));

    expect([type, status, error.Reason]).toEqual(['TooManyRequestsException', 429, 'ReservedFunctionConcurrentInvocationLimitExceeded']);
  });

  it('reserved concurrency 1: a second invocation while the first runs is throttled (429); the slot frees when it ends', async () => {
    const name = uniqueName('one');
    await nodeFunction(name, { ReservedConcurrentExecutions: 1 });
    const slots = `{${prefix}:fn-concurrency:${name}}`;

    const first = invoke({ FunctionName: name, Payload: '{"sleepMs":1500}' });
    await waitFor(async () => (await redis.zcard(slots)) === 1, { message: 'the first invocation holds the slot' });
    const second = await failure(invoke({ FunctionName: name, Payload: '{}' }));
    const firstOut = await first;
    const third = await invoke({ FunctionName: name, Payload: '{"n":3}' });

    expect([second.name, second.status]).toEqual(['TooManyRequestsException', 429]);
    expect(firstOut.StatusCode).toBe(200);
    expect(JSON.parse(text(third.Payload))).toMatchObject({ echo: { n: 3 } });
  });

  it('a function whose endpoint does not answer: 502 ServiceException (it did not run), not a function error', async () => {
    const name = uniqueName('unreachable');
    await register({ FunctionName: name, Invoker: { Type: 'http', Url: 'http://127.0.0.1:9/never' } });

    const { name: type, status, message, error } = await failure(invoke({ FunctionName: name, Payload: '{}' }));

    expect([type, status, message]).toEqual(['ServiceException', 502, 'The Lambda service encountered an internal error.']);
    // What failed is Sluice's detail, beside AWS's sentence.
    expect(String(error.SluiceDetail)).toContain(`function ${name} could not be invoked`);
  });

  it.each([
    ['X-Amz-Invocation-Type', 'Sometimes', 'invocationType'],
    ['X-Amz-Log-Type', 'Everything', 'logType'],
  ])('a bad %s header: 400 ValidationException (the model\'s enum)', async (header, value, member) => {
    const res = await fetch(`${sluice.url}/2015-03-31/functions/${echo}/invocations`, { method: 'POST', headers: { [header]: value }, body: '{}' });
    const body = (await res.json()) as Json;
    expect([res.status, res.headers.get('x-amzn-errortype')]).toEqual([400, 'ValidationException']);
    expect(body.Message).toContain(`at '${member}' failed to satisfy constraint`);
  });
});

describe('event-invoke-config API', () => {
  const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT}:async-failures`;
  const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT}:async-results`;

  it('Put, Get, Update, List, Delete round trip', async () => {
    const name = uniqueName('eic');
    await nodeFunction(name);
    const arn = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}:$LATEST`;

    const put = await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } }));
    const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
    const updated = await lambda.send(
      new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: '$LATEST', MaximumEventAgeInSeconds: 60, DestinationConfig: { OnSuccess: { Destination: topicArn } } }),
    );
    const listed = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: name }));
    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name }));
    const afterDelete = await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })));

    expect(put).toMatchObject({ FunctionArn: arn, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } });
    expect(put.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(put.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(put.MaximumEventAgeInSeconds).toBeUndefined();
    expect(got).toMatchObject({ FunctionArn: arn, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } });
    // Update keeps what it does not name; a DestinationConfig replaces both destinations.
    expect(updated).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnSuccess: { Destination: topicArn }, OnFailure: {} } });
    expect(listed.FunctionEventInvokeConfigs).toHaveLength(1);
    expect(listed.FunctionEventInvokeConfigs![0]).toMatchObject({ FunctionArn: arn, MaximumEventAgeInSeconds: 60 });
    expect([afterDelete.name, afterDelete.status, afterDelete.message]).toEqual(['ResourceNotFoundException', 404, `The function ${arn} doesn't have an EventInvokeConfig`]);
  });

  it('ranges (ValidationException), destinations Sluice does not deliver to and an empty request (InvalidParameterValueException, the reason in SluiceDetail)', async () => {
    const name = uniqueName('eic-bad');
    await nodeFunction(name);
    const invalidConfig = (onSuccess: string) => `The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=${onSuccess}), onFailure=null) is invalid.`;
    const bus = `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`;
    const cases = [
      [{ MaximumRetryAttempts: 3 }, 'ValidationException', "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"],
      [{ MaximumEventAgeInSeconds: 59 }, 'ValidationException', "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"],
      [{ MaximumEventAgeInSeconds: 21601 }, 'ValidationException', "1 validation error detected: Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600"],
      [{ DestinationConfig: { OnSuccess: { Destination: bus } } }, 'InvalidParameterValueException', invalidConfig(bus), 'Sluice does not deliver to EventBridge event buses.'],
      [{ DestinationConfig: { OnSuccess: { Destination: 'arn:aws:s3:::results' } } }, 'InvalidParameterValueException', invalidConfig('arn:aws:s3:::results'), 'S3 buckets are supported only for on-failure destinations.'],
      [{ DestinationConfig: { OnFailure: { Destination: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}` } } }, 'InvalidParameterValueException', "You can't specify the function as a destination for itself."],
      [{ DestinationConfig: { OnFailure: { Destination: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ghost-fn` } } }, 'InvalidParameterValueException', `The destination ARN arn:aws:lambda:${REGION}:${ACCOUNT}:function:ghost-fn is invalid.`],
      [{ DestinationConfig: { OnFailure: { Destination: 'not-an-arn' } } }, 'ValidationException', /^1 validation error detected: Value 'not-an-arn' at 'destinationConfig.onFailure.destination' failed to satisfy constraint/],
      [{}, 'InvalidParameterValueException', 'You must specify at least one of error handling or destination setting.'],
    ] as const;
    for (const [input, expectedType, expected, detail] of cases) {
      const { name: type, status, message, error } = await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, ...input })));
      expect([type, status], JSON.stringify(input)).toEqual([expectedType, 400]);
      if (typeof expected === 'string') expect(message).toBe(expected);
      else expect(message).toMatch(expected);
      if (detail !== undefined) expect(error.SluiceDetail).toBe(detail);
    }
    expect((await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })))).name).toBe('ResourceNotFoundException');
  });

  it('S3 on failure and another function as destination are accepted', async () => {
    const name = uniqueName('eic-ok');
    const target = uniqueName('eic-target');
    await nodeFunction(name);
    await nodeFunction(target);

    const out = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: name,
        DestinationConfig: { OnSuccess: { Destination: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${target}` }, OnFailure: { Destination: 'arn:aws:s3:::failed-events' } },
      }),
    );

    expect(out.DestinationConfig).toEqual({ OnSuccess: { Destination: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${target}` }, OnFailure: { Destination: 'arn:aws:s3:::failed-events' } });
  });

  it('no config, unknown function, unknown qualifier: 404 ResourceNotFoundException', async () => {
    const name = uniqueName('eic-none');
    await nodeFunction(name);
    const ghost = uniqueName('ghost');

    const get = await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })));
    const del = await failure(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name })));
    const update = await failure(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1 })));
    const putGhost = await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: ghost, MaximumRetryAttempts: 1 })));
    const putAlias = await failure(lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, Qualifier: 'prod', MaximumRetryAttempts: 1 })));
    const listGhost = await failure(lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: ghost })));

    for (const f of [get, del, update, putGhost, putAlias, listGhost]) expect([f.name, f.status]).toEqual(['ResourceNotFoundException', 404]);
    expect(get.message).toBe(`The function arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}:$LATEST doesn't have an EventInvokeConfig`);
    expect(putGhost.message).toBe("The function doesn't exist.");
  });

  it('deleting the function deletes its config: the same name registered again has none', async () => {
    const name = uniqueName('eic-gone');
    await nodeFunction(name);
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 1 }));

    const deleted = await fetch(`${sluice.url}/sluice/v1/functions/${name}`, { method: 'DELETE' });
    await nodeFunction(name);

    expect(deleted.status).toBe(204);
    expect((await failure(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })))).name).toBe('ResourceNotFoundException');
  });
});
