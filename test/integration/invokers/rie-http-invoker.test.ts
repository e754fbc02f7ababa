import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpInvoker, RIE_INVOKE_PATH } from '@sluice/invokers';
import { buildFunction } from '../../helpers/stream-batch-fixture.js';
import { startHttpFunction, type HttpFunction } from '../../helpers/http-function.js';

const json = { 'content-type': 'application/json' };

// A local node:http server imitating a Lambda container image's Runtime Interface Emulator, which
// answers at /2015-03-31/functions/function/invocations.
describe('HttpInvoker against a Runtime Interface Emulator', () => {
  const invoker = new HttpInvoker();
  let rie: HttpFunction | undefined;
  afterEach(async () => {
    await rie?.close();
    rie = undefined;
  });
  afterAll(() => invoker.close());

  const call = (path = RIE_INVOKE_PATH) => {
    const url = new URL(path, rie!.url).toString();
    return invoker.invoke({ fn: buildFunction('orders', { type: 'http', url }), payload: '{"Records":[]}', requestId: 'req-1' });
  };

  it('returns the payload text of a successful invocation', async () => {
    rie = await startHttpFunction((_call, res) => res.writeHead(200, json).end('{"batchItemFailures":[]}'));

    const result = await call();

    expect(result).toEqual({ payload: '{"batchItemFailures":[]}', statusCode: 200, durationMs: expect.any(Number) as number });
    expect(rie.calls[0]!.body).toBe('{"Records":[]}');
  });

  it('treats a 200 with a runtime error body as an Unhandled function error (the RIE sends no header)', async () => {
    const body = JSON.stringify({ errorType: 'Error', errorMessage: 'bad record', trace: ['Error: bad record', '    at handler (/var/task/index.js:1:1)'] });
    rie = await startHttpFunction((_call, res) => res.writeHead(200, json).end(body));

    const result = await call();

    expect(result).toMatchObject({ functionError: 'Unhandled', statusCode: 200, payload: body });
  });

  it('reports the X-Amz-Function-Error header as Lambda does: Handled and Unhandled', async () => {
    const body = '{"errorMessage":"boom","errorType":"Error"}';
    for (const kind of ['Handled', 'Unhandled'] as const) {
      rie = await startHttpFunction((_call, res) => res.writeHead(200, { ...json, 'x-amz-function-error': kind }).end(body));

      const result = await call();
      await rie.close();

      expect(result).toMatchObject({ functionError: kind, statusCode: 200, payload: body });
    }
    rie = undefined;
  });

  it('honours the header at any path, even with a body that is not an error object', async () => {
    rie = await startHttpFunction((_call, res) => res.writeHead(200, { 'x-amz-function-error': 'Unhandled' }).end('"oops"'));

    expect(await call('/fn')).toMatchObject({ functionError: 'Unhandled', payload: '"oops"' });
  });

  it('treats a 5xx from the emulator as an Unhandled function error with its body', async () => {
    rie = await startHttpFunction((_call, res) => res.writeHead(502, json).end('{"errorMessage":"runtime crashed"}'));

    expect(await call()).toMatchObject({ functionError: 'Unhandled', statusCode: 502, payload: '{"errorMessage":"runtime crashed"}' });
  });

  it('leaves answers that only look like errors alone: other keys, or a plain HTTP path', async () => {
    rie = await startHttpFunction((_call, res) => res.writeHead(200, json).end('{"errorMessage":"none","orders":3}'));
    expect((await call()).functionError).toBeUndefined();
    await rie.close();

    rie = await startHttpFunction((_call, res) => res.writeHead(200, json).end('{"errorType":"Error","errorMessage":"data, not an error"}'));
    expect((await call('/fn')).functionError).toBeUndefined();
  });
});
