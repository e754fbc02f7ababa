import type { AsyncInvocationJobInput, ConcurrencyLimiter, ConcurrencySlot, FunctionDefinition, InvokeResult, Invoker } from '@sluice/shared';
import { invocationLog } from '@sluice/invokers';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import type { FunctionResolver, ResolvedFunction } from '../functions/function-resolver.js';
import { invokeFault } from './invoke-fault.js';
import { unrunnableDetail } from '../lambda-functions/function-configuration-wire.js';
import { invokePayload } from './invoke-payload.js';

/**
 * A slot lapses on its own (its process died) after twice the function's Timeout (an invoker may wait up
 * to Timeout for an execution environment, then run up to Timeout) plus this much.
 */
const SLOT_GRACE_MS = 10_000;

export interface InvokeServiceDeps {
  /** Resolves names against the registry as it is now (RequestResponse, DryRun). */
  readonly resolver: FunctionResolver;
  /** Resolves names through a cache dropped on the registry's change notices (Event: accepted at a high rate). */
  readonly cachedResolver: FunctionResolver;
  /** Runs a function; `invokerFor` throws InvokerUnavailable when this process cannot call its kind. */
  readonly invoker: Invoker & { invokerFor(fn: FunctionDefinition): Invoker };
  /** Queues an Event invocation (enqueueAsyncInvocation). */
  readonly enqueue: (input: AsyncInvocationJobInput) => Promise<void>;
  /** Counts RequestResponse invocations of functions with reserved concurrency, across processes. */
  readonly concurrency: ConcurrencyLimiter;
  readonly now?: () => number;
}

export interface SyncInvocation {
  readonly result: InvokeResult;
  /** The invocation's log (at most its last 4 KB) when Tail was asked for. */
  readonly logTail?: string;
}

/**
 * The Invoke API's three invocation types. Function errors are results (200 with
 * X-Amz-Function-Error); everything that stops a function from running is a LambdaApiError.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export class InvokeService {
  private readonly now: () => number;

  constructor(private readonly deps: InvokeServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** RequestResponse: runs the function now and returns what it returned. */
  async invokeSync(functionName: string, body: string | undefined, requestId: string, tail: boolean): Promise<SyncInvocation> {
    const { definition } = await this.deps.resolver.resolve(functionName);
    const payload = invokePayload(body, 'RequestResponse');
    this.invokerFor(definition);
    const slot = await this.takeSlot(definition);
    try {
      const result = await this.deps.invoker.invoke({ fn: definition, payload, requestId });
      if (!tail) return { result };
      // Invokers without a log of their own (http) still get Lambda's platform lines: START, END, REPORT.
      return { result, logTail: result.logTail ?? invocationLog(requestId, '', { durationMs: result.durationMs, memoryMb: definition.memorySize }) };
    } catch (error) {
      throw invokeFault(error, definition.name);
    } finally {
      await slot?.release().catch(() => undefined);
    }
  }

  /**
   * Event: validates, queues and returns; the worker runs it with Lambda's async semantics. One
   * registry read (usually from the cache) and one queue write, nothing else: this path is benchmarked.
   */
  async invokeAsync(functionName: string, body: string | undefined, requestId: string): Promise<void> {
    const resolved = await this.deps.cachedResolver.resolve(functionName);
    const payload = invokePayload(body, 'Event');
    await this.deps.enqueue({
      requestId,
      functionName: resolved.definition.name,
      qualifier: qualifierOf(resolved),
      payload,
      acceptedAt: this.now(),
      origin: 'invoke',
    });
  }

  /** DryRun: the function exists and this Sluice can invoke it, the payload is JSON within the quota; nothing runs. */
  async dryRun(functionName: string, body: string | undefined): Promise<void> {
    const { definition } = await this.deps.resolver.resolve(functionName);
    invokePayload(body, 'DryRun');
    this.invokerFor(definition);
  }

  private invokerFor(definition: FunctionDefinition): void {
    if (definition.invoker.type === 'none') throw unrunnable(definition);
    try {
      this.deps.invoker.invokerFor(definition);
    } catch (error) {
      throw invokeFault(error, definition.name);
    }
  }

  /**
   * Reserved concurrency caps a function's concurrent invocations; one more is throttled at once
   * (429, not queued), and 0 throttles every synchronous invocation.
   * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
   */
  private async takeSlot(definition: FunctionDefinition): Promise<ConcurrencySlot | undefined> {
    const limit = definition.reservedConcurrentExecutions;
    if (limit === undefined) return undefined;
    const slot = limit === 0 ? undefined : await this.deps.concurrency.acquire(definition.name, limit, 2 * definition.timeout * 1000 + SLOT_GRACE_MS);
    if (slot === undefined) throw throttled();
    return slot;
  }
}

function qualifierOf(resolved: ResolvedFunction): string {
  return resolved.qualifier ?? '$LATEST';
}

/**
 * A function made through CreateFunction with code Sluice does not run (another runtime, an image),
 * not yet pointed at an invoker: Lambda's answer for a runtime it does not support (502
 * InvalidRuntimeException, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors),
 * what to do in Sluice's detail.
 */
function unrunnable(definition: FunctionDefinition): LambdaApiError {
  return new LambdaApiError('InvalidRuntimeException', 'The runtime or runtime version specified is not supported.', { extra: { SluiceDetail: unrunnableDetail(definition) } });
}

/** Lambda's throttle: `Reason` says which limit (ThrottleReason in Lambda's model). */
function throttled(): LambdaApiError {
  return new LambdaApiError('TooManyRequestsException', 'Rate Exceeded.', { extra: { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' } });
}
