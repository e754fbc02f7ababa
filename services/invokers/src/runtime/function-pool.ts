import { ErrorCode, SluiceError } from '@sluice/shared';
import { ExecutionEnvironment, type EnvironmentSpec } from './execution-environment.js';

export interface FunctionPoolOptions {
  readonly spec: EnvironmentSpec;
  /** Most environments at once (ReservedConcurrentExecutions); undefined: no cap. */
  readonly maxEnvironments: number | undefined;
  /** An environment idle this long is reaped. */
  readonly idleMs: number;
  /** Starts an environment; injectable for tests. */
  readonly start?: (spec: EnvironmentSpec) => Promise<ExecutionEnvironment>;
}

interface Waiter {
  readonly resolve: (environment: ExecutionEnvironment) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The execution environments of one function (one version of its definition): created on demand
 * (cold start), reused warm, most recently used first, reaped after idleMs, at most
 * maxEnvironments at once. An invocation that finds all of them busy waits for one to free up; if it
 * waits longer than it may, it is throttled, as Lambda throttles past reserved concurrency
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
 */
export class FunctionPool {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly reapTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly waiters: Waiter[] = [];
  private readonly live = new Set<ExecutionEnvironment>();
  private starting = 0;
  private closed = false;
  private readonly start: (spec: EnvironmentSpec) => Promise<ExecutionEnvironment>;

  constructor(private readonly options: FunctionPoolOptions) {
    this.start = options.start ?? ((spec) => ExecutionEnvironment.start(spec));
  }

  /** Environments alive or starting now. */
  get size(): number {
    return this.starting + this.live.size;
  }

  /** A warm environment, a new one (cold start), or the next one freed within waitMs (else throttled). */
  async acquire(waitMs: number, signal?: AbortSignal): Promise<ExecutionEnvironment> {
    if (this.closed) throw new SluiceError(ErrorCode.InvokeTransport, 'the Node runtime is shutting down', { retryable: true });
    const warm = this.takeIdle();
    if (warm !== undefined) return warm;
    const cap = this.options.maxEnvironments;
    if (cap === undefined || this.size < cap) return this.create();
    return this.wait(waitMs, signal);
  }

  /** Gives an environment back after an invocation; a dead one frees its place. */
  release(environment: ExecutionEnvironment): void {
    if (environment.state === 'dead' || this.closed) {
      environment.kill();
      this.forget(environment);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter !== undefined) return waiter.resolve(environment);
    environment.state = 'idle';
    this.idle.push(environment);
    const timer = setTimeout(() => this.reap(environment), this.options.idleMs);
    timer.unref();
    this.reapTimers.set(environment, timer);
  }

  /** Kills every environment and fails the waiting invocations; the pool takes no more work. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new SluiceError(ErrorCode.InvokeTransport, 'the Node runtime is shutting down', { retryable: true }));
    for (const environment of this.idle.splice(0)) this.reap(environment);
  }

  private takeIdle(): ExecutionEnvironment | undefined {
    const environment = this.idle.pop();
    if (environment !== undefined) {
      clearTimeout(this.reapTimers.get(environment));
      this.reapTimers.delete(environment);
    }
    return environment;
  }

  private async create(): Promise<ExecutionEnvironment> {
    this.starting += 1;
    try {
      const environment = await this.start(this.options.spec);
      this.live.add(environment);
      environment.onExit(() => this.forget(environment));
      return environment;
    } catch (error) {
      throw new SluiceError(ErrorCode.InvokeTransport, `could not start an execution environment: ${(error as Error).message}`, { retryable: true, cause: error });
    } finally {
      this.starting -= 1;
    }
  }

  private wait(waitMs: number, signal?: AbortSignal): Promise<ExecutionEnvironment> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiters.indexOf(waiter);
        if (at !== -1) this.waiters.splice(at, 1);
      };
      const waiter: Waiter = {
        resolve: (environment) => (done(), resolve(environment)),
        reject: (error) => (done(), reject(error)),
      };
      const throttled = () =>
        waiter.reject(
          new SluiceError(ErrorCode.InvokeTransport, `throttled: all ${this.options.maxEnvironments} execution environments stayed busy for ${waitMs} ms (Rate Exceeded)`, {
            retryable: true,
          }),
        );
      const onAbort = () => waiter.reject(new SluiceError(ErrorCode.InvokeTransport, 'invocation cancelled while waiting for an environment', { retryable: true }));
      const timer = setTimeout(throttled, waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** An environment left the pool (died, reaped, killed): its place goes to a waiter, if any. */
  private forget(environment: ExecutionEnvironment): void {
    if (!this.live.delete(environment)) return;
    const at = this.idle.indexOf(environment);
    if (at !== -1) this.idle.splice(at, 1);
    clearTimeout(this.reapTimers.get(environment));
    this.reapTimers.delete(environment);
    const waiter = this.waiters.shift();
    if (waiter !== undefined && !this.closed) this.create().then(waiter.resolve, waiter.reject);
  }

  private reap(environment: ExecutionEnvironment): void {
    environment.kill();
    this.forget(environment);
  }
}
