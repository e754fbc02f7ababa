import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { HttpInvoker } from '@sluice/invokers';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';
import { startHttpFunction, unusedPort, type HttpFunction } from '../../helpers/http-function.js';
import { waitFor } from '../../helpers/wait-for.js';

// Loopback only: a local node:http server plays the function.
describe('HttpInvoker', () => {
  const invoker = new HttpInvoker();
  let fn: HttpFunction | undefined;
  afterEach(async () => {
    await fn?.close();
    fn = undefined;
  });
  afterAll(() => invoker.close());

  const call = (url: string, timeout = 3) =>
    invoker.invoke({ fn: buildFunction('orders', { type: 'http', url }, timeout), payload: '{"Records":[{"a":1}]}', requestId: 'req-42' });

  it('POSTs the payload as JSON and treats a 2xx as success', async () => {
    fn = await startHttpFunction((_call, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));

    const result = await call(fn.url);

    expect(result).toMatchObject({ statusCode: 200, payload: '{"ok":true}' });
    expect(result.functionError).toBeUndefined();
    expect(fn.calls[0]).toMatchObject({ body: '{"Records":[{"a":1}]}' });
    expect(fn.calls[0]!.headers['content-type']).toBe('application/json');
    expect(fn.calls[0]!.headers['x-amzn-requestid']).toBe('req-42');
  });

  it('reuses one keep-alive connection across invocations', async () => {
    fn = await startHttpFunction((_call, res) => res.end('null'));

    for (let i = 0; i < 3; i += 1) await call(fn.url);

    expect(fn.calls).toHaveLength(3);
    expect(fn.connections()).toBe(1);
  });

  it('treats any other status as a function error (Unhandled) with the body', async () => {
    fn = await startHttpFunction((_call, res) => res.writeHead(500).end('{"errorMessage":"kaput"}'));

    const result = await call(fn.url);

    expect(result).toMatchObject({ functionError: 'Unhandled', statusCode: 500, payload: '{"errorMessage":"kaput"}' });
  });

  it('turns a function that outlives its Timeout into Lambda\'s "Task timed out" function error', async () => {
    fn = await startHttpFunction((_call, res) => void setTimeout(() => res.end('late'), 3000));

    const started = Date.now();
    const result = await call(fn.url, 1);

    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: req-42 Error: Task timed out after 1.00 seconds' });
  });

  it('throws a retryable InvokeTransport error when nothing listens (connection refused)', async () => {
    const error = await call(`http://127.0.0.1:${await unusedPort()}/fn`).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SluiceError);
    expect(error).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('throws InvokeTransport when the host name does not resolve', async () => {
    const error = await call('http://sluice-no-such-host.invalid/fn').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
  });

  it('throws InvokeTransport when the connection is reset before any response', async () => {
    fn = await startHttpFunction((_call, _res, req) => req.socket.destroy());

    const error = await call(fn.url).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
  });

  it('turns an answer over the size limit into a function error (Lambda: 6 MB)', async () => {
    fn = await startHttpFunction((_call, res) => res.end('x'.repeat(64)));
    const small = new HttpInvoker({ maxResponseBytes: 16 });

    const result = await small.invoke({ fn: buildFunction('orders', { type: 'http', url: fn.url }), payload: '{}', requestId: 'r' });
    small.close();

    expect(result.functionError).toBe('Unhandled');
    expect(JSON.parse(result.payload)).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('throws InvokeTransport when the invocation is cancelled through its signal', async () => {
    fn = await startHttpFunction(() => undefined);
    const controller = new AbortController();
    const invoking = invoker.invoke({ fn: buildFunction('orders', { type: 'http', url: fn.url }), payload: '{}', requestId: 'r', signal: controller.signal });
    await waitFor(() => fn!.calls.length === 1);

    controller.abort();

    await expect(invoking).rejects.toMatchObject({ code: ErrorCode.InvokeTransport, retryable: true });
  });

  it('counts a response cut off midway as a function error: the function had answered', async () => {
    fn = await startHttpFunction((_call, res, req) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 20);
    });

    const result = await call(fn.url);

    expect(result).toMatchObject({ functionError: 'Unhandled', statusCode: 200 });
  });
});
