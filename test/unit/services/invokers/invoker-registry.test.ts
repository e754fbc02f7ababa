import { describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { FakeInvoker, InvokerRegistry } from '@sluice/invokers';
import { buildFunction } from '../../../helpers/stream-batch-fixture.js';

describe('invoker registry', () => {
  it('picks the invoker by the function invoker type', async () => {
    const http = new FakeInvoker();
    const registry = new InvokerRegistry({ http });
    const fn = buildFunction('orders', { type: 'http', url: 'http://127.0.0.1:1/' });

    await registry.invoke({ fn, payload: '{}', requestId: 'r' });

    expect(http.requests.map((r) => r.fn.name)).toEqual(['orders']);
  });

  it('refuses invoker types it was built without with InvokerUnavailable', async () => {
    const registry = new InvokerRegistry({ http: new FakeInvoker() });
    for (const invoker of [
      { type: 'lambda', functionName: 'orders' },
      { type: 'node', module: './handler.js', handler: 'handler' },
    ] as const) {
      const error = await registry.invoke({ fn: buildFunction('orders', invoker), payload: '{}', requestId: 'r' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SluiceError);
      expect((error as SluiceError).code).toBe(ErrorCode.InvokerUnavailable);
      expect((error as SluiceError).message).toMatch(/no (lambda|node) invoker/);
    }
  });

  it('refuses a function with no invoker (code Sluice does not run), saying what to do', async () => {
    const registry = new InvokerRegistry({ http: new FakeInvoker(), node: new FakeInvoker() });
    const fn = { ...buildFunction('py', { type: 'none' }), code: { packageType: 'Zip' as const, runtime: 'python3.12', role: 'r', codeSha256: 'x', codeSize: 1, echoed: {} } };

    const error = await registry.invoke({ fn, payload: '{}', requestId: 'r' }).catch((e: unknown) => e);

    expect((error as SluiceError).code).toBe(ErrorCode.InvokerUnavailable);
    expect((error as SluiceError).message).toBe(
      'function py has no invoker: Sluice does not run python3.12 code itself; point it at an HTTP endpoint or a Runtime Interface Emulator (PUT /sluice/v1/functions/py with an http Invoker)',
    );
  });
});
