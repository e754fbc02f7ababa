import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { createTestStream, kinesisClient } from '../helpers/kinesis-test-stream.js';
import { callSluiceApi, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { sluiceLambdaClient, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
import { uniqueName } from '../helpers/unique-name.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';

// The function registry's REST API, driven over plain HTTP against Sluice as its own process.
const stack = inject('stack');
const region = 'us-east-1';
const account = '000000000000';
const prefix = uniqueName('e2e-fn');
let sluice: SluiceProcess;

const call = (method: string, path: string, body?: unknown) => callSluiceApi(sluice.url, method, path, body);

beforeAll(async () => {
  sluice = await startSluice({ env: stackEnv(stack, prefix, { SLUICE_STATE_SETTLE_MS: '100' }) });
});

afterAll(async () => {
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

describe('function registry', () => {
  it('registers each kind of invoker with Lambda defaults and an ARN in Lambda form', async () => {
    const http = await call('POST', '/sluice/v1/functions', { FunctionName: 'web-fn', Invoker: { Type: 'http', Url: 'http://127.0.0.1:8080/2015-03-31/functions/function/invocations' } });
    expect(http.status).toBe(201);
    expect(http.body).toMatchObject({
      FunctionName: 'web-fn',
      FunctionArn: `arn:aws:lambda:${region}:${account}:function:web-fn`,
      Invoker: { Type: 'http', Url: 'http://127.0.0.1:8080/2015-03-31/functions/function/invocations' },
      Timeout: 3,
      MemorySize: 128,
      Description: '',
    });
    expect(http.body.LastModified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);

    const lambdaFn = await call('POST', '/sluice/v1/functions', {
      FunctionName: 'aws-fn',
      Invoker: { Type: 'lambda', FunctionName: 'real-function', Qualifier: 'live', EndpointUrl: 'http://127.0.0.1:4566' },
      Timeout: 30,
      MemorySize: 512,
      ReservedConcurrentExecutions: 5,
    });
    expect(lambdaFn.status).toBe(201);
    expect(lambdaFn.body).toMatchObject({ Timeout: 30, MemorySize: 512, ReservedConcurrentExecutions: 5, Invoker: { Type: 'lambda', Qualifier: 'live' } });

    const nodeFn = await call('POST', '/sluice/v1/functions', { FunctionName: 'node-fn', Invoker: { Type: 'node', Module: './handlers/orders.js', Handler: 'handler' } });
    expect(nodeFn.status).toBe(201);

    const listed = await call('GET', '/sluice/v1/functions');
    expect(listed.body.Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual(['web-fn', 'aws-fn', 'node-fn']);
    const page = await call('GET', '/sluice/v1/functions?MaxItems=2');
    expect(page.body.Functions).toHaveLength(2);
    const next = await call('GET', `/sluice/v1/functions?MaxItems=2&Marker=${page.body.NextMarker}`);
    expect(next.body.Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual(['node-fn']);
    expect(next.body.NextMarker).toBeUndefined();
  });

  it('resolves a function by name, partial ARN and ARN', async () => {
    for (const ref of ['web-fn', `${account}:function:web-fn`, `arn:aws:lambda:${region}:${account}:function:web-fn`]) {
      const got = await call('GET', `/sluice/v1/functions/${encodeURIComponent(ref)}`);
      expect(got.status).toBe(200);
      expect(got.body.FunctionName).toBe('web-fn');
    }
    const foreign = await call('GET', `/sluice/v1/functions/${encodeURIComponent('arn:aws:lambda:us-east-1:111122223333:function:web-fn')}`);
    expect(foreign).toMatchObject({ status: 404, errorType: 'ResourceNotFoundException' });
  });

  it('updates what a PUT names and keeps the rest', async () => {
    const updated = await call('PUT', '/sluice/v1/functions/web-fn', { Invoker: { Type: 'http', Url: 'http://127.0.0.1:9071/' }, Timeout: 10 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ FunctionName: 'web-fn', Invoker: { Type: 'http', Url: 'http://127.0.0.1:9071/' }, Timeout: 10, MemorySize: 128 });
    expect((await call('GET', '/sluice/v1/functions/web-fn')).body).toMatchObject({ Timeout: 10, Invoker: { Url: 'http://127.0.0.1:9071/' } });
    expect(await call('PUT', '/sluice/v1/functions/nobody', { Timeout: 5 })).toMatchObject({ status: 404, errorType: 'ResourceNotFoundException' });
    expect(await call('PUT', '/sluice/v1/functions/web-fn', { FunctionName: 'renamed' })).toMatchObject({ status: 400, errorType: 'InvalidParameterValueException' });
    expect(await call('PUT', '/sluice/v1/functions/web-fn', { Timeout: 0 })).toMatchObject({ status: 400, errorType: 'ValidationException' });
  });

  it('refuses bad registrations in Lambda error shape', async () => {
    const duplicate = await call('POST', '/sluice/v1/functions', { FunctionName: 'web-fn', Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' } });
    expect(duplicate).toMatchObject({ status: 409, errorType: 'ResourceConflictException', body: { Type: 'User' } });
    // Schema violations are the framework's ValidationException, as on Lambda's own routes.
    const cases = [
      { FunctionName: 'bad name!', Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' } },
      { FunctionName: 'x'.repeat(65), Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' } },
      { FunctionName: 'no-invoker' },
      { FunctionName: 'bad-url', Invoker: { Type: 'http', Url: 'ftp://example' } },
      { FunctionName: 'bad-type', Invoker: { Type: 'docker', Image: 'x' } },
      { FunctionName: 'bad-timeout', Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' }, Timeout: 901 },
      { FunctionName: 'bad-memory', Invoker: { Type: 'http', Url: 'http://127.0.0.1:1/' }, MemorySize: 64 },
    ];
    for (const body of cases) {
      const refused = await call('POST', '/sluice/v1/functions', body);
      expect(refused, JSON.stringify(body)).toMatchObject({ status: 400, errorType: 'ValidationException' });
      expect(refused.body.Message.length).toBeGreaterThan(10);
    }
  });

  it('refuses a node Module outside SLUICE_FUNCTIONS_DIR, on create and on update, with the constraint in AWS\'s validation sentence', async () => {
    const node = (Module: string) => ({ Type: 'node', Module, Handler: 'handler' });
    for (const Module of ['../x.mjs', 'lib/../../x.mjs', '/etc/passwd', '..']) {
      const created = await call('POST', '/sluice/v1/functions', { FunctionName: 'outside-fn', Invoker: node(Module) });
      expect([Module, created.status, created.errorType]).toEqual([Module, 400, 'ValidationException']);
      expect(created.body.Message).toBe(
        `1 validation error detected: Value '${Module}' at 'invoker.module' failed to satisfy constraint: Member must be a path relative to SLUICE_FUNCTIONS_DIR that stays inside it (not absolute, no ".." leading out)`,
      );
    }
    expect((await call('GET', '/sluice/v1/functions/outside-fn')).status).toBe(404);
    expect((await call('POST', '/sluice/v1/functions', { FunctionName: 'inside-fn', Invoker: node('lib/../handler.mjs') })).status).toBe(201);
    expect(await call('PUT', '/sluice/v1/functions/inside-fn', { Invoker: node('../x.mjs') })).toMatchObject({ status: 400, errorType: 'ValidationException' });
    expect((await call('DELETE', '/sluice/v1/functions/inside-fn')).status).toBe(204);
  });

  it('refuses to remove a function while a mapping uses it, and removes it afterwards', async () => {
    const stream = uniqueName('fn-stream');
    const kinesis = kinesisClient(stack.kinesisEndpoint);
    await createTestStream(kinesis, stream, 1);
    kinesis.destroy();
    const lambda = sluiceLambdaClient(sluice.url);
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: 'node-fn', EventSourceArn: `arn:aws:kinesis:${region}:${account}:stream/${stream}`, StartingPosition: 'LATEST' }),
    );
    const refused = await call('DELETE', '/sluice/v1/functions/node-fn');
    expect(refused).toMatchObject({ status: 409, errorType: 'ResourceConflictException' });
    expect(refused.body.Message).toBe(`Function node-fn is used by 1 event source mapping (${mapping.UUID}); delete it first.`);

    await waitForMappingState(lambda, mapping.UUID!, 'Enabled');
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
    await waitForMappingGone(lambda, mapping.UUID!);
    lambda.destroy();
    const removed = await call('DELETE', '/sluice/v1/functions/node-fn');
    expect(removed.status).toBe(204);
    const gone = await call('GET', '/sluice/v1/functions/node-fn');
    expect(gone).toMatchObject({ status: 404, errorType: 'ResourceNotFoundException' });
  });
});
