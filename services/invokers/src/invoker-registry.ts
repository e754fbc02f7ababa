import { ErrorCode, SluiceError, type FunctionDefinition, type InvokeRequest, type InvokeResult, type Invoker, type InvokerConfig } from '@sluice/shared';

export type InvokerType = InvokerConfig['type'];

/**
 * Picks the invoker a function names (`fn.invoker.type`) and is itself an Invoker, so the
 * processor needs one. A type the registry was built without throws InvokerUnavailable: that is our
 * gap, not the function's error, so the batch waits (without spending its retries) for a worker that can.
 */
export class InvokerRegistry implements Invoker {
  constructor(private readonly invokers: Partial<Record<InvokerType, Invoker>>) {}

  invokerFor(fn: FunctionDefinition): Invoker {
    const invoker = this.invokers[fn.invoker.type];
    if (invoker !== undefined) return invoker;
    throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name}: no ${fn.invoker.type} invoker in this worker`);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    return this.invokerFor(request.fn).invoke(request);
  }
}
