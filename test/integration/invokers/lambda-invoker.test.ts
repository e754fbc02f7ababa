import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { LambdaInvoker } from '@sluice/invokers';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';
import { lambdaError, lambdaResult, startStubLambdaEndpoint, type StubLambdaEndpoint } from '../../helpers/stub-lambda-endpoint.js';
import { unusedPort } from '../../helpers/http-function.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

// Against a stub of Lambda's Invoke API on loopback (moto's Lambda would need Docker).
describe('LambdaInvoker', () => {
  let stub: StubLambdaEndpoint | undefined;
  const invokers: LambdaInvoker[] = [];
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  afterAll(() => invokers.forEach((i) => i.close()));

  const invokerFor = (endpoint: string) => {
    const invoker = new LambdaInvoker({ region: 'us-east-1', endpoint, credentials });
    invokers.push(invoker);
    return invoker;
  };
  const call = (endpoint: string, qualifier?: string) =>
    invokerFor(endpoint).invoke({
      fn: buildFunction('orders', { type: 'lambda', functionName: 'remote-orders', ...(qualifier === undefined ? {} : { qualifier }) }),
      payload: '{"Records":[{"a":1}]}',
      requestId: 'req-1',
    });

  it('invokes RequestResponse with the payload bytes and qualifier, and returns the payload and log tail', async () => {
    stub = await startStubLambdaEndpoint((_call, res) => lambdaResult(res, '{"ok":true}', { logResult: Buffer.from('START RequestId: x\n').toString('base64') }));

    const result = await call(stub.url, 'live');

    expect(result).toMatchObject({ payload: '{"ok":true}', statusCode: 200, logTail: 'START RequestId: x\n' });
    expect(result.functionError).toBeUndefined();
    expect(stub.calls).toHaveLength(1);
    expect(stub.calls[0]).toMatchObject({ functionName: 'remote-orders', qualifier: 'live', body: '{"Records":[{"a":1}]}' });
    expect(stub.calls[0]!.headers['x-amz-invocation-type']).toBe('RequestResponse');
    expect(stub.calls[0]!.headers['x-amz-log-type']).toBe('Tail');
    expect(stub.calls[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d+\/us-east-1\/lambda\//);
  });

  it("uses the function's own EndpointUrl over the configured one", async () => {
    stub = await startStubLambdaEndpoint((_call, res) => lambdaResult(res, 'null'));
    const invoker = invokerFor(`http://127.0.0.1:${await unusedPort()}`);

    const result = await invoker.invoke({ fn: buildFunction('orders', { type: 'lambda', functionName: 'f', endpointUrl: stub.url }), payload: '{}', requestId: 'r' });

    expect(result.payload).toBe('null');
    expect(stub.calls[0]!.qualifier).toBeNull();
  });

  it('returns FunctionError (Unhandled, Handled) as a function error result carrying the error payload', async () => {
    const body = '{"errorType":"Error","errorMessage":"bad record","trace":[]}';
    for (const kind of ['Unhandled', 'Handled'] as const) {
      stub = await startStubLambdaEndpoint((_call, res) => lambdaResult(res, body, { functionError: kind }));

      const result = await call(stub.url);
      await stub.close();

      expect(result).toMatchObject({ functionError: kind, payload: body, statusCode: 200 });
    }
    stub = undefined;
  });

  it.each([
    [429, 'TooManyRequestsException'],
    [500, 'ServiceException'],
    [409, 'ResourceConflictException'],
    [502, 'ResourceNotReadyException'],
  ])('throws a retryable InvokeTransport error for %i %s (not the function\'s fault)', async (status, type) => {
    stub = await startStubLambdaEndpoint((_call, res) => lambdaError(res, status, type, 'not now'));

    const error = await call(stub.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
    expect((error as Error).message).toContain(type);
    expect(stub.calls).toHaveLength(1); // the SDK's own retries are off: our backoff decides
  });

  it('throws InvokeTransport when nothing listens at the endpoint', async () => {
    const error = await call(`http://127.0.0.1:${await unusedPort()}`).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
  });

  it('throws FunctionNotFound, not retryable, for ResourceNotFoundException', async () => {
    stub = await startStubLambdaEndpoint((_call, res) => lambdaError(res, 404, 'ResourceNotFoundException', 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:remote-orders'));

    const error = await call(stub.url).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.FunctionNotFound, retryable: false });
  });

  it('throws InvokerUnavailable, not retryable, for a refusal that retrying cannot fix (403)', async () => {
    stub = await startStubLambdaEndpoint((_call, res) => lambdaError(res, 403, 'AccessDeniedException', 'no'));

    const error = await call(stub.url).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.InvokerUnavailable, retryable: false });
  });
});
