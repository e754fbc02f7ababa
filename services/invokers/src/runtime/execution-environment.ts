import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildEntry } from './child-entry.js';
import type { ChildMessage, InvokeContextFields, ReadyMessage, ResultMessage, RuntimeErrorBody } from './runtime-protocol.js';

/** How long an environment's Init (importing the module) may take: Lambda's 10 s Init limit. */
export const INIT_TIMEOUT_MS = 10_000;

/** Stray output (native writes, V8's fatal messages) kept per environment. */
const MAX_STRAY_CHARS = 4096;

export interface EnvironmentSpec {
  readonly entry: ChildEntry;
  /** Absolute path of the function's module. */
  readonly modulePath: string;
  /** The export to call; dotted for a nested one, empty for a malformed Lambda handler. */
  readonly handler: string;
  /** Lambda's handler string (functions made through CreateFunction): errors are worded as Lambda's. */
  readonly lambdaHandler?: string;
  readonly memoryMb: number;
  /** The environment's working directory (Lambda: /var/task). */
  readonly cwd: string;
  /** Variables the function sees; TMPDIR is added per environment. */
  readonly env: Readonly<Record<string, string>>;
}

export type EnvironmentState = 'idle' | 'busy' | 'dead';

/** How one invocation in an environment ended, before it becomes an InvokeResult. */
export type InvocationOutcome =
  | { readonly kind: 'result'; readonly message: ResultMessage }
  | { readonly kind: 'timeout'; readonly logs: string }
  | { readonly kind: 'exited'; readonly reason: string; readonly outOfMemory: boolean; readonly logs: string }
  | { readonly kind: 'aborted' };

let nextId = 0;

/**
 * One execution environment: a child process running one function's module, one invocation at a
 * time, with a private scratch directory as TMPDIR. Created by `start` (the cold start), which
 * resolves once Init is over; `initError` is set if the module could not be loaded.
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
export class ExecutionEnvironment {
  readonly id = (nextId += 1);
  /** The log stream's suffix, as Lambda names one per environment. */
  readonly streamId = randomBytes(16).toString('hex');
  state: EnvironmentState = 'idle';
  /** Invocations started here; 0 until the first (the cold start). */
  invocations = 0;
  initError: RuntimeErrorBody | undefined;
  initLogs = '';
  readonly initDurationMs: number;
  private stray = '';
  private exitListeners: Array<(reason: string) => void> = [];
  private exitReason: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly scratchDir: string,
    initDurationMs: number,
  ) {
    this.initDurationMs = initDurationMs;
    const keep = (chunk: Buffer) => (this.stray = (this.stray + chunk.toString('utf8')).slice(-MAX_STRAY_CHARS));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      this.state = 'dead';
      this.exitReason = signal === null ? `exit status ${code ?? 0}` : `signal: ${SIGNAL_WORDS[signal] ?? signal}`;
      for (const listener of this.exitListeners) listener(this.exitReason);
      void rm(this.scratchDir, { recursive: true, force: true });
    });
  }

  /** Spawns the environment and waits for its Init. Throws only if the process cannot be started. */
  static async start(spec: EnvironmentSpec): Promise<ExecutionEnvironment> {
    const scratchDir = await mkdtemp(join(tmpdir(), 'sluice-env-'));
    const started = Date.now();
    const child = fork(spec.entry.path, [spec.modulePath, spec.handler, ...(spec.lambdaHandler === undefined ? [] : [spec.lambdaHandler])], {
      cwd: spec.cwd,
      env: { ...spec.env, TMPDIR: scratchDir },
      execArgv: [...spec.entry.execArgv, `--max-old-space-size=${spec.memoryMb}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const environment = new ExecutionEnvironment(child, scratchDir, 0);
    const ready = await environment.awaitReady();
    (environment as { initDurationMs: number }).initDurationMs = Date.now() - started;
    if (ready.kind === 'ready') {
      environment.initError = ready.message.error;
      environment.initLogs = ready.message.logs;
    } else {
      environment.initError = { errorType: 'Runtime.InitError', errorMessage: ready.reason, trace: [] };
      environment.initLogs = environment.stray;
    }
    if (environment.initError !== undefined) environment.kill();
    return environment;
  }

  /** Runs one invocation; kills the environment when it outlives `timeoutMs` or `signal` aborts. */
  invoke(requestId: string, event: string, context: InvokeContextFields, timeoutMs: number, signal?: AbortSignal): Promise<InvocationOutcome> {
    this.state = 'busy';
    this.invocations += 1;
    this.stray = '';
    return new Promise<InvocationOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: InvocationOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.child.off('message', onMessage);
        this.exitListeners = this.exitListeners.filter((l) => l !== onExit);
        if (this.state === 'busy') this.state = 'idle';
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        this.kill();
        finish({ kind: 'timeout', logs: this.stray });
      }, timeoutMs);
      const onAbort = () => {
        this.kill();
        finish({ kind: 'aborted' });
      };
      const onMessage = (message: ChildMessage) => {
        if (message.type === 'result' && message.requestId === requestId) finish({ kind: 'result', message: { ...message, logs: message.logs + this.stray } });
      };
      const onExit = (reason: string) => finish({ kind: 'exited', reason, outOfMemory: /heap out of memory/i.test(this.stray), logs: this.stray });
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.child.on('message', onMessage);
      if (this.exitReason !== undefined) return onExit(this.exitReason);
      this.exitListeners.push(onExit);
      this.child.send({ type: 'invoke', requestId, event, context });
    });
  }

  /** Called once when the process ends, however it ends. */
  onExit(listener: (reason: string) => void): void {
    if (this.exitReason !== undefined) listener(this.exitReason);
    else this.exitListeners.push(listener);
  }

  /** Ends the process at once (SIGKILL, as Lambda stops a timed-out environment); the scratch dir goes with it. */
  kill(): void {
    this.state = 'dead';
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private awaitReady(): Promise<{ kind: 'ready'; message: ReadyMessage } | { kind: 'failed'; reason: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'failed', reason: `Init did not finish within ${INIT_TIMEOUT_MS / 1000} seconds` }), INIT_TIMEOUT_MS);
      this.child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.type === 'ready') resolve({ kind: 'ready', message });
      });
      this.child.once('error', (error) => {
        clearTimeout(timer);
        resolve({ kind: 'failed', reason: `Runtime failed to start: ${error.message}` });
      });
      this.onExit((reason) => {
        clearTimeout(timer);
        resolve({ kind: 'failed', reason: `Runtime exited with error: ${reason}` });
      });
    });
  }
}

/** Signal names as Lambda words them (Go's os/exec: "signal: killed"). */
const SIGNAL_WORDS: Readonly<Partial<Record<NodeJS.Signals, string>>> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGTRAP: 'trace/breakpoint trap',
};
