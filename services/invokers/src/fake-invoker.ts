import type { InvokeRequest, InvokeResult, Invoker } from '@sluice/shared';

/** One scripted answer: a result, an error to throw, or a function of the request. */
export type FakeStep = InvokeResult | Error | ((request: InvokeRequest) => InvokeResult | Promise<InvokeResult>);

/**
 * An in-process Invoker for unit tests: answers each call with the next scripted step (then with
 * `fallback`, a success by default) and records every request it saw.
 *
 * @example
 * const invoker = new FakeInvoker([FakeInvoker.functionError(), new SluiceError(ErrorCode.InvokeTransport, 'down', { retryable: true })]);
 * // 1st call: a function error; 2nd: throws; then successes.
 */
export class FakeInvoker implements Invoker {
  readonly requests: InvokeRequest[] = [];
  private readonly steps: FakeStep[];

  constructor(
    steps: readonly FakeStep[] = [],
    private readonly fallback: FakeStep = FakeInvoker.success(),
  ) {
    this.steps = [...steps];
  }

  static success(payload = 'null'): InvokeResult {
    return { payload, statusCode: 200, durationMs: 1 };
  }

  static functionError(errorMessage = 'boom'): InvokeResult {
    return { functionError: 'Unhandled', payload: JSON.stringify({ errorType: 'Error', errorMessage }), statusCode: 200, durationMs: 1 };
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    this.requests.push(request);
    const step = this.steps.shift() ?? this.fallback;
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? step(request) : step;
  }
}
