import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// Whatever a client sends, the API answers a 4xx in Lambda's error shape (x-amzn-ErrorType header,
// {"Type":"User","Message":...} body; aws-facts.md 1.2), never a 500, and keeps serving.

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const ESM_PATH = '/2015-03-31/event-source-mappings/';
const MIB = 1024 * 1024;
const UNKNOWN_UUID = '00000000-0000-4000-8000-00000000abcd';

const stack = inject('stack');
const redisPrefix = uniqueName('e2e-bad-input');
let sluice: SluiceProcess;
let kinesis: KinesisClient;
let streamName: string;
let streamArn: string;
let functionName: string;

interface Sent {
  readonly method?: string;
  readonly body?: string | Uint8Array;
  readonly contentType?: string | null;
  readonly headers?: Record<string, string>;
}

async function send(base: string, path: string, { method = 'GET', body, contentType = 'application/json', headers = {} }: Sent = {}) {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...(contentType === null ? {} : { 'content-type': contentType }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

/** Asserts Lambda's user-error shape and returns the error type and message. */
async function expectUserError(response: Response, status: number | 'any-4xx'): Promise<{ type: string; message: string }> {
  const text = await response.text();
  if (status === 'any-4xx') {
    expect(response.status, text).toBeGreaterThanOrEqual(400);
    expect(response.status, text).toBeLessThan(500);
  } else {
    expect(response.status, text).toBe(status);
  }
  const type = response.headers.get('x-amzn-errortype');
  expect(type, 'x-amzn-ErrorType header').toMatch(/^[A-Za-z]+Exception$/);
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = JSON.parse(text) as { Type?: unknown; Message?: unknown };
  expect(body.Type).toBe('User');
  expect(typeof body.Message).toBe('string');
  expect(String(body.Message).length).toBeGreaterThan(0);
  return { type: type!, message: String(body.Message) };
}

/** The server still answers a well-formed call after whatever it was just sent. */
async function expectStillServing(base: string = sluice.url): Promise<void> {
  const response = await send(base, ESM_PATH);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { EventSourceMappings?: unknown };
  expect(Array.isArray(body.EventSourceMappings)).toBe(true);
}

/** Polls GET until the mapping settles in `state` (transitional states refuse updates and deletes). */
async function waitForState(uuid: string, state: string): Promise<void> {
  await waitFor(async () => ((await (await send(sluice.url, `${ESM_PATH}${uuid}`)).json()) as { State?: string }).State === state, {
    timeoutMs: 20_000,
    intervalMs: 50,
    message: `mapping ${uuid} never reached ${state}`,
  });
}

function validCreate(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { FunctionName: functionName, EventSourceArn: streamArn, StartingPosition: 'LATEST', ...extra };
}

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  streamName = uniqueName('bad-input');
  streamArn = await createTestStream(kinesis, streamName, 1);

  // The default body limit (1 MiB) is what this process runs with: the variable must not leak in.
  expect(process.env.SLUICE_API_BODY_LIMIT_BYTES, 'unset SLUICE_API_BODY_LIMIT_BYTES to run these tests').toBeUndefined();
  sluice = await startSluice({ env: stackEnv(stack, redisPrefix, { SLUICE_STATE_SETTLE_MS: '100' }) });
  functionName = uniqueName('bad-input-fn');
  const registered = await send(sluice.url, '/sluice/v1/functions', {
    method: 'POST',
    body: JSON.stringify({ FunctionName: functionName, Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' } }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
});

afterAll(async () => {
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, redisPrefix);
  await kinesis?.send(new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true })).catch(() => undefined);
  kinesis?.destroy();
});

describe('malformed and mistyped bodies', () => {
  it.each([
    ['malformed JSON', '{"FunctionName": "f", '],
    ['a JSON string', '"hello"'],
    ['a JSON array', '[1, 2, 3]'],
    ['JSON null', 'null'],
    ['bytes that are not UTF-8 JSON', new Uint8Array([0xff, 0xfe, 0x00, 0x7b])],
  ])('create with %s: 400', async (_label, body) => {
    const response = await send(sluice.url, ESM_PATH, { method: 'POST', body });

    await expectUserError(response, 400);
    await expectStillServing();
  });

  it('create with an empty body: 400 ValidationException for the missing member', async () => {
    const response = await send(sluice.url, ESM_PATH, { method: 'POST', body: '' });

    const { type, message } = await expectUserError(response, 400);
    expect([type, message]).toEqual(['ValidationException', "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null"]);
    await expectStillServing();
  });

  it.each([
    ['BatchSize as a string', { BatchSize: 'ten' }, 'batchSize'],
    ['BatchSize as a fraction', { BatchSize: 1.5 }, 'batchSize'],
    ['BatchSize below 1', { BatchSize: 0 }, 'batchSize'],
    ['Enabled as a string', { Enabled: 'yes' }, 'enabled'],
    ['FunctionResponseTypes as a string', { FunctionResponseTypes: 'ReportBatchItemFailures' }, 'functionResponseTypes'],
    ['DestinationConfig as a string', { DestinationConfig: 'arn:aws:sqs:us-east-1:000000000000:q' }, 'destinationConfig'],
    ['StartingPosition outside the enum', { StartingPosition: 'EARLIEST' }, 'startingPosition'],
    ['FunctionName as a number', { FunctionName: 42 }, 'functionName'],
    ['EventSourceArn that is no ARN', { EventSourceArn: 'my-stream' }, 'eventSourceArn'],
  ])('create with %s: 400 ValidationException (the model\'s constraint) naming the field', async (_label, extra, field) => {
    const response = await send(sluice.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate(extra)) });

    const { type, message } = await expectUserError(response, 400);
    expect(type).toBe('ValidationException');
    expect(message).toContain(`at '${field}' failed to satisfy constraint`);
    await expectStillServing();
  });

  it('create with an unknown member: 400 InvalidParameterValueException naming it', async () => {
    const response = await send(sluice.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate({ Colour: 'blue' })) });

    const { type, message } = await expectUserError(response, 400);
    expect(type).toBe('InvalidParameterValueException');
    expect(message).toContain('Colour');
    await expectStillServing();
  });

  it('update with a member Update cannot change (EventSourceArn): 400, and the mapping is unchanged', async () => {
    const created = await send(sluice.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate()) });
    expect(created.status, await created.clone().text()).toBe(202);
    const { UUID: uuid } = (await created.json()) as { UUID: string };
    // Settled first: an update while Creating is refused for another reason (ResourceInUseException).
    await waitForState(uuid, 'Enabled');

    const response = await send(sluice.url, `${ESM_PATH}${uuid}`, {
      method: 'PUT',
      body: JSON.stringify({ EventSourceArn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/other`, BatchSize: 5 }),
    });

    const { type, message } = await expectUserError(response, 400);
    expect(type).toBe('InvalidParameterValueException');
    expect(message).toContain('EventSourceArn');
    const after = (await (await send(sluice.url, `${ESM_PATH}${uuid}`)).json()) as { EventSourceArn: string; BatchSize: number };
    expect(after).toMatchObject({ EventSourceArn: streamArn, BatchSize: 100 });
    await expectStillServing();
  });

  it('function registration with wrong types: 400, not 500', async () => {
    const response = await send(sluice.url, '/sluice/v1/functions', {
      method: 'POST',
      body: JSON.stringify({ FunctionName: ['f'], Invoker: { Type: 'http', Url: 12 } }),
    });

    await expectUserError(response, 400);
    await expectStillServing();
  });
});

describe('unknown and malformed mapping ids', () => {
  it.each(['GET', 'PUT', 'DELETE'])('%s of an unknown UUID: 404 ResourceNotFoundException', async (method) => {
    const response = await send(sluice.url, `${ESM_PATH}${UNKNOWN_UUID}`, {
      method,
      ...(method === 'PUT' ? { body: JSON.stringify({ BatchSize: 10 }) } : {}),
    });

    const { type } = await expectUserError(response, 404);
    expect(type).toBe('ResourceNotFoundException');
    await expectStillServing();
  });

  it.each([
    ['not a UUID', 'not-a-uuid'],
    ['too long', `${UNKNOWN_UUID}${'0'.repeat(300)}`],
    ['percent-encoded garbage', '%00%ff%2e%2e'],
    ['a path traversal', '..%2F..%2Fsluice'],
  ])('GET of a malformed UUID (%s): 4xx in Lambda\'s shape', async (_label, id) => {
    const response = await send(sluice.url, `${ESM_PATH}${id}`);

    const { type } = await expectUserError(response, 'any-4xx');
    expect(['ValidationException', 'InvalidParameterValueException', 'ResourceNotFoundException', 'UnknownOperationException']).toContain(type);
    await expectStillServing();
  });

  it('GET of an unregistered function: 404 ResourceNotFoundException', async () => {
    const response = await send(sluice.url, `/sluice/v1/functions/${uniqueName('nobody')}`);

    const { type } = await expectUserError(response, 404);
    expect(type).toBe('ResourceNotFoundException');
    await expectStillServing();
  });
});

describe('the error handler\'s fallbacks', () => {
  it('an unknown operation: 404 UnknownOperationException, its name as the Message, what matched nothing in SluiceDetail', async () => {
    const response = await send(sluice.url, '/2015-03-31/no-such-operation?x=1', { method: 'POST', body: '{}' });

    const text = await response.text();
    expect([response.status, response.headers.get('x-amzn-errortype')]).toEqual([404, 'UnknownOperationException']);
    expect(JSON.parse(text)).toEqual({ Type: 'User', Message: 'UnknownOperationException', SluiceDetail: 'No operation matches POST /2015-03-31/no-such-operation' });
  });
});

describe('list query parameters', () => {
  it.each([
    ['MaxItems not a number', '?MaxItems=abc', 'ValidationException'],
    ['MaxItems 0', '?MaxItems=0', 'ValidationException'],
    ['MaxItems above 10000', '?MaxItems=10001', 'ValidationException'],
    ['a Marker Sluice never issued', '?Marker=not-a-marker', 'InvalidParameterValueException'],
    ['an EventSourceArn that is no ARN', '?EventSourceArn=nope', 'ValidationException'],
  ])('%s: 400 %s', async (_label, query, expected) => {
    const response = await send(sluice.url, `${ESM_PATH}${query}`);

    const { type } = await expectUserError(response, 400);
    expect(type).toBe(expected);
    await expectStillServing();
  });
});

describe('body size', () => {
  it('a body over the default 1 MiB limit: 413 in Lambda\'s shape', async () => {
    const body = JSON.stringify(validCreate({ Padding: 'x'.repeat(MIB + 1024) }));

    const response = await send(sluice.url, ESM_PATH, { method: 'POST', body });

    await expectUserError(response, 413);
    await expectStillServing();
  });

  it('a body just under the default limit is read and judged on its content (400, not 413)', async () => {
    const body = JSON.stringify(validCreate({ Padding: 'x'.repeat(MIB - 4096) }));

    const response = await send(sluice.url, ESM_PATH, { method: 'POST', body });

    const { message } = await expectUserError(response, 400);
    expect(message).toContain('Padding');
    await expectStillServing();
  });

  it('honours SLUICE_API_BODY_LIMIT_BYTES', async () => {
    const smallPrefix = uniqueName('e2e-bad-input-limit');
    const small = await startSluice({ env: stackEnv(stack, smallPrefix, { SLUICE_API_BODY_LIMIT_BYTES: '2048' }) });
    try {
      const over = await send(small.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate({ Padding: 'x'.repeat(3000) })) });
      await expectUserError(over, 413);

      const under = await send(small.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate({ Padding: 'x'.repeat(1500) })) });
      const { message } = await expectUserError(under, 400);
      expect(message).toContain('Padding');
      await expectStillServing(small.url);
    } finally {
      await small.stop();
      await deleteRedisPrefix(stack.redisUrl, smallPrefix);
    }
  });
});

describe('content type, path and method', () => {
  it.each(['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'create sent as %s: 4xx',
    async (contentType) => {
      const response = await send(sluice.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate()), contentType });

      await expectUserError(response, 'any-4xx');
      await expectStillServing();
    },
  );

  it.each([
    ['an unknown path', 'GET', '/nope'],
    ['another API version', 'GET', '/2099-01-01/event-source-mappings/'],
    ['a Lambda API Sluice does not serve (ListLayers; ListFunctions is served since issue 12)', 'GET', '/2018-10-31/layers'],
  ])('%s: 404 in Lambda\'s shape', async (_label, method, path) => {
    const response = await send(sluice.url, path, { method });

    await expectUserError(response, 404);
    await expectStillServing();
  });

  it.each([
    ['PATCH on the collection', 'PATCH', ESM_PATH],
    ['DELETE on the collection', 'DELETE', ESM_PATH],
    ['PUT on the collection', 'PUT', ESM_PATH],
    ['POST on one mapping', 'POST', `${ESM_PATH}${UNKNOWN_UUID}`],
    ['PATCH on one mapping', 'PATCH', `${ESM_PATH}${UNKNOWN_UUID}`],
  ])('%s: 4xx in Lambda\'s shape', async (_label, method, path) => {
    const response = await send(sluice.url, path, { method, body: '{}' });

    await expectUserError(response, 'any-4xx');
    await expectStillServing();
  });
});

describe('JSON nested past the depth limit (10,000 levels; the limit is 512)', () => {
  const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
  const deepBody = `{"FunctionName":"f","Padding":${DEEP}}`;

  it.each([
    ['create a mapping', 'POST', ESM_PATH],
    ['update a mapping', 'PUT', `${ESM_PATH}${UNKNOWN_UUID}`],
    ['register a function', 'POST', '/sluice/v1/functions'],
    ['update a function', 'PUT', '/sluice/v1/functions/f'],
    ['put an event-invoke-config', 'PUT', '/2019-09-25/functions/f/event-invoke-config'],
    ['create an S3 binding', 'POST', '/sluice/v1/s3-bindings'],
    ['test a filter', 'POST', '/sluice/v1/filter-criteria/test'],
  ])('%s: 400 InvalidRequestContentException, not 500', async (_label, method, path) => {
    const response = await send(sluice.url, path, { method, body: deepBody });

    const { type, message } = await expectUserError(response, 400);
    expect(type).toBe('InvalidRequestContentException');
    expect(message).toBe('Could not parse request body into json: JSON nested deeper than 512 levels');
    await expectStillServing();
  });

  it('a value nested 500 deep is within the limit and judged on its content', async () => {
    const body = `{"FunctionName":"${functionName}","EventSourceArn":"${streamArn}","StartingPosition":"LATEST","Padding":${'['.repeat(500)}${']'.repeat(500)}}`;

    const { type, message } = await expectUserError(await send(sluice.url, ESM_PATH, { method: 'POST', body }), 400);
    expect(type).toBe('InvalidParameterValueException');
    expect(message).toContain('Padding');
  });

  it.each(['Event', 'RequestResponse', 'DryRun'])('Invoke (%s) of a payload nested 10,000 deep: 400 InvalidRequestContentException, nothing queued or run', async (invocationType) => {
    const response = await send(sluice.url, `/2015-03-31/functions/${functionName}/invocations`, { method: 'POST', body: DEEP, headers: { 'x-amz-invocation-type': invocationType } });

    const { type, message } = await expectUserError(response, 400);
    expect(type).toBe('InvalidRequestContentException');
    expect(message).toBe('Could not parse request body into json: Could not parse payload into json: JSON nested deeper than 512 levels');
    await expectStillServing();
  });
});

describe('ingress input that can never succeed: 400, so senders do not retry it', () => {
  let ingress: SluiceProcess;
  let bucket: string;
  const s3Record = (key: string, extra = '') => `{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"${bucket}"},"object":{"key":${JSON.stringify(key)}${extra}}}}`;
  const eventBridge = (extra: string) => `{"id":"${crypto.randomUUID()}","detail-type":"Object Created","source":"aws.s3","detail":{"bucket":{"name":"${bucket}"},"object":{"key":"k"}}${extra}}`;
  const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

  beforeAll(async () => {
    ingress = await startSluice({
      args: ['start', '--role', 'ingress'],
      env: stackEnv(stack, redisPrefix, { SLUICE_SNS_VERIFY_SIGNATURES: 'false' }),
      readyPattern: /Sluice ingress listening on (http:\/\/\S+)/,
    });
    // A binding for the bucket: the old ingress failed only once an event matched one (writing its payload).
    bucket = uniqueName('bad-input-bucket').toLowerCase();
    const bound = await send(sluice.url, '/sluice/v1/s3-bindings', { method: 'POST', body: JSON.stringify({ Bucket: bucket, Events: ['s3:ObjectCreated:*'], FunctionName: functionName }) });
    expect(bound.status, await bound.clone().text()).toBe(201);
  });
  afterAll(() => ingress?.stop());

  const sns = (message: string) =>
    JSON.stringify({ Type: 'Notification', MessageId: crypto.randomUUID(), TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:t`, Message: message, Timestamp: new Date().toISOString(), SignatureVersion: '1', Signature: 'x', SigningCertURL: 'https://sns.us-east-1.amazonaws.com/x.pem' });

  it.each([
    ['/s3 with a record nested 10,000 deep', '/s3', () => `{"Records":[${s3Record('k', `,"meta":${DEEP}`)}]}`],
    ['/sns with a Message nested 10,000 deep', '/sns', () => sns(`{"Records":[${s3Record('k', `,"meta":${DEEP}`)}]}`)],
    ['/eventbridge with an event nested 10,000 deep', '/eventbridge', () => eventBridge(`,"x":${DEEP}`)],
    ['/eventbridge with "time": -1e308', '/eventbridge', () => eventBridge(',"time":-1e308')],
    ['/eventbridge with a time that is no date', '/eventbridge', () => eventBridge(',"time":"yesterday"')],
    ['/s3 with a key holding a lone surrogate', '/s3', () => `{"Records":[${s3Record('\ud800')}]}`],
  ])('%s: 400 InvalidRequestContentException', async (_label, path, body) => {
    const response = await send(ingress.url, path, { method: 'POST', body: body() });

    const { type } = await expectUserError(response, 400);
    expect(type).toBe('InvalidRequestContentException');
  });

  it('still queues a well-formed event afterwards', async () => {
    const response = await send(ingress.url, '/eventbridge', { method: 'POST', body: eventBridge(',"time":"2026-11-26T10:00:00Z"') });

    expect(response.status, await response.clone().text()).toBe(202);
    expect(await response.json()).toMatchObject({ Queued: 1 });
  });
});

describe('after all of it', () => {
  it('still creates, gets and deletes a mapping', async () => {
    const fn = uniqueName('bad-input-last');
    const registered = await send(sluice.url, '/sluice/v1/functions', {
      method: 'POST',
      body: JSON.stringify({ FunctionName: fn, Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' } }),
    });
    expect(registered.status).toBe(201);

    const created = await send(sluice.url, ESM_PATH, { method: 'POST', body: JSON.stringify(validCreate({ FunctionName: fn })) });
    expect(created.status).toBe(202);
    const { UUID: uuid } = (await created.json()) as { UUID: string };
    await waitForState(uuid, 'Enabled');
    expect((await send(sluice.url, `${ESM_PATH}${uuid}`)).status).toBe(200);
    expect((await send(sluice.url, `${ESM_PATH}${uuid}`, { method: 'DELETE' })).status).toBe(202);
  });
});
