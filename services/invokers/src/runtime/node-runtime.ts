import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ErrorCode, SluiceError, type FunctionDefinition, type InvokeRequest, type InvokeResult, type Invoker } from '@sluice/shared';
import { functionErrorResult, timedOutResult } from '../function-error-result.js';
import { defaultChildEntry, type ChildEntry } from './child-entry.js';
import type { ExecutionEnvironment, InvocationOutcome } from './execution-environment.js';
import { FunctionPool } from './function-pool.js';
import { resolveFunctionModule } from './function-module.js';
import { invocationLog } from './invocation-log.js';
import type { InvokeContextFields } from './runtime-protocol.js';

export interface NodeRuntimeOptions {
  /** Where `module` paths resolve (SLUICE_FUNCTIONS_DIR); also the environments' working directory. */
  readonly functionsDir: string;
  /** An idle environment is reaped after this long (SLUICE_NODE_IDLE_MS). */
  readonly idleMs: number;
  /** AWS_REGION as the function sees it. */
  readonly region: string;
  /** Extra variables every function sees (nothing of the worker's own environment leaks in). */
  readonly env?: Readonly<Record<string, string>>;
  /** The child program; defaults to runtime-child beside this file. */
  readonly childEntry?: ChildEntry;
  readonly now?: () => number;
}

/**
 * Runs local Node handlers (`{type:'node', module, handler}`) the way Lambda runs code: in execution
 * environments (child processes) per function, created on demand, reused while warm so module-level
 * state survives, reaped when idle, one invocation at a time each, at most ReservedConcurrentExecutions
 * of them; Timeout kills the environment ("Task timed out"), MemorySize is the V8 heap limit.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 *
 * Results: the handler's result is the payload; its errors, timeouts and crashes are function errors
 * (`Unhandled`) in Lambda's shapes. Waiting past the Timeout for a free environment is a throttle,
 * thrown as InvokeTransport (ours: the function did not run), as is a cancelled invocation.
 */
export class NodeRuntime implements Invoker {
  /** Per function; `recheck` when its Module was not found, so the next invocation resolves it again. */
  private readonly pools = new Map<string, { readonly version: number; readonly pool: Promise<FunctionPool>; recheck: boolean }>();
  private realFunctionsDir: Promise<string> | undefined;
  private readonly entry: ChildEntry;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: NodeRuntimeOptions) {
    this.entry = options.childEntry ?? defaultChildEntry();
    this.now = options.now ?? Date.now;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const { fn } = request;
    if (fn.invoker.type !== 'node') {
      throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name} is not a node function (${fn.invoker.type})`);
    }
    if (this.closed) throw new SluiceError(ErrorCode.InvokeTransport, 'the Node runtime is shutting down', { retryable: true });
    if (fn.reservedConcurrentExecutions === 0) {
      // Reserved concurrency 0 throttles every invocation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
      throw new SluiceError(ErrorCode.InvokeTransport, `function ${fn.name} is throttled: reserved concurrency is 0`, { retryable: true });
    }
    const timeoutMs = fn.timeout * 1000;
    const pool = await this.poolFor(fn);
    const started = this.now();
    const environment = await pool.acquire(timeoutMs, request.signal);
    try {
      const cold = environment.invocations === 0;
      if (environment.initError !== undefined) {
        const logs = invocationLog(request.requestId, environment.initLogs, { durationMs: this.now() - started, memoryMb: fn.memorySize });
        return { ...functionErrorResult(environment.initError.errorType, environment.initError.errorMessage, 200, this.now() - started, { trace: environment.initError.trace }), logTail: logs };
      }
      const invokeStarted = this.now();
      const context = this.contextFor(fn, environment, invokeStarted + timeoutMs);
      const outcome = await environment.invoke(request.requestId, request.payload, context, timeoutMs, request.signal);
      const durationMs = this.now() - invokeStarted;
      const memoryUsedMb = outcome.kind === 'result' ? outcome.message.memoryUsedMb : undefined;
      const report = { durationMs, memoryMb: fn.memorySize, ...(memoryUsedMb === undefined ? {} : { memoryUsedMb }), ...(cold ? { initDurationMs: environment.initDurationMs } : {}) };
      return toResult(outcome, request, durationMs, (logs) => invocationLog(request.requestId, logs, report));
    } finally {
      pool.release(environment);
    }
  }

  /** Kills every environment (the worker is stopping); later invocations throw InvokeTransport. Idempotent. */
  close(): void {
    this.closed = true;
    for (const { pool } of this.pools.values()) void pool.then((p) => p.close(), () => undefined);
    this.pools.clear();
  }

  /**
   * One pool per function and definition version: after an update, new invocations get new
   * environments (as after a Lambda code or configuration change) and the old ones are reaped.
   * The pool is made once its Module has been resolved to a real path inside SLUICE_FUNCTIONS_DIR,
   * and its environments import that path. A refused Module is checked again on the next
   * invocation, and so is one not found yet (it could still appear as a symbolic link out).
   * Invocations of one pool wait on the same promise, so they reach it in the order they came.
   */
  private poolFor(fn: FunctionDefinition): Promise<FunctionPool> {
    const existing = this.pools.get(fn.name);
    if (existing !== undefined && existing.version === fn.lastModified && !existing.recheck) return existing.pool;
    if (existing !== undefined) void existing.pool.then((p) => p.close(), () => undefined);
    const made = this.makePool(fn);
    const entry = { version: fn.lastModified, pool: made.then((m) => m.pool), recheck: false };
    made.then(
      ({ found }) => {
        entry.recheck = !found;
      },
      () => {
        if (this.pools.get(fn.name) === entry) this.pools.delete(fn.name);
      },
    );
    this.pools.set(fn.name, entry);
    return entry.pool;
  }

  private async makePool(fn: FunctionDefinition): Promise<{ pool: FunctionPool; found: boolean }> {
    const invoker = fn.invoker as Extract<FunctionDefinition['invoker'], { type: 'node' }>;
    const { path, found } = await resolveFunctionModule(this.options.functionsDir, await this.functionsRoot(), { name: fn.name, module: invoker.module });
    const lambda = lambdaCode(fn, invoker);
    // A function made through CreateFunction runs in its own code's folder, as Lambda's in /var/task.
    const taskRoot = lambda === undefined ? this.options.functionsDir : resolve(this.options.functionsDir, lambda.codeDir);
    const pool = new FunctionPool({
      spec: {
        entry: this.entry,
        modulePath: path,
        handler: invoker.handler,
        ...(lambda === undefined ? {} : { lambdaHandler: lambda.handler }),
        memoryMb: fn.memorySize,
        cwd: taskRoot,
        env: this.environmentFor(fn, taskRoot, lambda?.handler),
      },
      maxEnvironments: fn.reservedConcurrentExecutions,
      idleMs: this.options.idleMs,
    });
    if (this.closed) pool.close();
    return { pool, found };
  }

  /** SLUICE_FUNCTIONS_DIR's real path; while it does not exist, no module in it can either (looked up again next time). */
  private functionsRoot(): Promise<string> {
    const dir = this.options.functionsDir;
    this.realFunctionsDir ??= realpath(dir).catch((error: unknown) => {
      this.realFunctionsDir = undefined;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(dir);
      throw new SluiceError(ErrorCode.InvokerUnavailable, `SLUICE_FUNCTIONS_DIR (${dir}) cannot be resolved`, { retryable: false, cause: error });
    });
    return this.realFunctionsDir;
  }

  /**
   * The function's own Environment variables, then Lambda's reserved ones that make sense here
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html), which it cannot override.
   */
  private environmentFor(fn: FunctionDefinition, taskRoot: string, lambdaHandler: string | undefined): Record<string, string> {
    return {
      ...this.options.env,
      ...fn.environment,
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      LAMBDA_TASK_ROOT: taskRoot,
      ...(lambdaHandler === undefined ? {} : { _HANDLER: lambdaHandler }),
      TZ: 'UTC',
    };
  }

  private contextFor(fn: FunctionDefinition, environment: ExecutionEnvironment, deadlineMs: number): InvokeContextFields {
    const day = new Date(this.now()).toISOString().slice(0, 10).replaceAll('-', '/');
    return {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(fn.memorySize),
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `${day}/[$LATEST]${environment.streamId}`,
      deadlineMs,
    };
  }
}

function toResult(outcome: InvocationOutcome, request: InvokeRequest, durationMs: number, log: (logs: string) => string): InvokeResult {
  switch (outcome.kind) {
    case 'result': {
      const { message } = outcome;
      const logTail = log(message.logs);
      if (message.error !== undefined) return { ...functionErrorResult(message.error.errorType, message.error.errorMessage, 200, durationMs, { trace: message.error.trace }), logTail };
      return { payload: message.payload ?? 'null', statusCode: 200, durationMs, logTail };
    }
    case 'timeout':
      return { ...timedOutResult(request.requestId, request.fn.timeout, durationMs), logTail: log(outcome.logs) };
    case 'exited': {
      // Lambda's words for a runtime that died mid-invocation; the next invocation gets a fresh environment.
      const errorType = outcome.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
      const message = `RequestId: ${request.requestId} Error: Runtime exited with error: ${outcome.reason}`;
      return { ...functionErrorResult(errorType, message, 200, durationMs), logTail: log(outcome.logs) };
    }
    case 'aborted':
      throw new SluiceError(ErrorCode.InvokeTransport, `invocation of ${request.fn.name} was cancelled`, { retryable: true });
  }
}

/**
 * The Lambda code a node invoker runs, when the function was made through CreateFunction and its
 * invoker still points into the unpacked code (not at a Module the registry was given since).
 */
function lambdaCode(fn: FunctionDefinition, invoker: { readonly module: string }): { codeDir: string; handler: string } | undefined {
  const codeDir = fn.code?.codeDir;
  const handler = fn.code?.handler;
  if (codeDir === undefined || handler === undefined || !invoker.module.startsWith(`${codeDir}/`)) return undefined;
  return { codeDir, handler };
}
