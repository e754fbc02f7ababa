import { ErrorCode, SluiceError, type FunctionDefinition, type InvokeRequest, type InvokeResult, type Invoker, type InvokerConfig } from '@sluice/shared';

/** The invoker types that call something; `none` marks a function nothing can call yet. */
export type InvokerType = Exclude<InvokerConfig['type'], 'none'>;

/**
 * Picks the invoker a function names (`fn.invoker.type`) and is itself an Invoker, so the
 * processor needs one. A type the registry was built without, or none at all, throws InvokerUnavailable: that is our
 * gap, not the function's error, so the batch waits (without spending its retries) for a worker that can.
 */
export class InvokerRegistry implements Invoker {
  constructor(private readonly invokers: Partial<Record<InvokerType, Invoker>>) {}

  invokerFor(fn: FunctionDefinition): Invoker {
    if (fn.invoker.type === 'none') {
      const what = fn.code?.packageType === 'Image' ? 'a container image' : `${fn.code?.runtime ?? 'its runtime'} code`;
      throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name} has no invoker: Sluice does not run ${what} itself; point it at an HTTP endpoint or a Runtime Interface Emulator (PUT /sluice/v1/functions/${fn.name} with an http Invoker)`);
    }
    const invoker = this.invokers[fn.invoker.type];
    if (invoker !== undefined) return invoker;
    throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name}: no ${fn.invoker.type} invoker in this worker`);
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    return this.invokerFor(request.fn).invoke(request);
  }
}
