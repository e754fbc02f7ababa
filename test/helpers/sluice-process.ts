import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REGION } from './kinesis-test-stream.js';
import type { TestStack } from './test-stack.js';

/** The built `sluice` command; test/run-all.sh builds before the e2e tests run. */
export const SLUICE_BIN = fileURLToPath(new URL('../../services/cli/dist/main.js', import.meta.url));

export interface SluiceProcess {
  /** Base URL of the API role, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends a signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartSluiceOptions {
  /** Environment on top of the test process's own; SLUICE_PORT and SLUICE_INGRESS_PORT default to 0 (free ports: `--role all` runs the ingress too, and parallel test files must not collide on its 9072). */
  readonly env: Record<string, string>;
  readonly args?: readonly string[];
  readonly timeoutMs?: number;
  /** The output that says the process is ready; default the API's listening line (group 1: the URL). */
  readonly readyPattern?: RegExp;
}

const API_LISTENING = /Sluice API listening on (http:\/\/\S+)/;

/**
 * Runs Sluice as a separate process, as a user would, and waits for its
 * "Sluice API listening on <url>" line.
 */
export function startSluice(options: StartSluiceOptions): Promise<SluiceProcess> {
  const child = spawn(process.execPath, [SLUICE_BIN, ...(options.args ?? ['start', '--role', 'api'])], {
    env: { ...process.env, SLUICE_PORT: '0', SLUICE_INGRESS_PORT: '0', SLUICE_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`sluice did not start within ${options.timeoutMs ?? 20_000} ms:\n${output}`));
    }, options.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = (options.readyPattern ?? API_LISTENING).exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1] ?? '', child, output: () => output, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited with ${code} before it listened:\n${output}`));
    });
  });
}

/**
 * Runs one role without the API (`sluice start --role poller|worker`) as its own process, and waits
 * for its "sluice started" log line (logged at info). Its `url` is ''.
 */
export function startSluiceRole(role: 'poller' | 'worker', env: Record<string, string>): Promise<SluiceProcess> {
  return startSluice({ args: ['start', '--role', role], env: { SLUICE_LOG_LEVEL: 'info', ...env }, readyPattern: /"msg":"sluice started"/ });
}

/**
 * Settings that make a Sluice under test react in milliseconds instead of seconds: states settle,
 * shards are synced, leases taken and failed batches retried quickly. Defaults stay for the benches.
 */
export const FAST_FLOW_ENV = {
  SLUICE_STATE_SETTLE_MS: '100',
  SLUICE_POLL_INTERVAL_MS: '50',
  SLUICE_SHARD_READS_PER_SECOND: '50',
  SLUICE_SHARD_SYNC_INTERVAL_MS: '300',
  SLUICE_LEASE_TAKE_INTERVAL_MS: '200',
  SLUICE_RETRY_BASE_MS: '50',
  SLUICE_RETRY_MAX_MS: '200',
} as const;

/**
 * The environment of a Sluice on the test stack: Redis under its own `prefix`, kinesis-local as
 * Kinesis, moto as DynamoDB, DynamoDB Streams and SQS (on-failure destinations), then `extra`.
 */
export function stackEnv(stack: TestStack, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: stack.redisUrl,
    SLUICE_REDIS_PREFIX: prefix,
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL_KINESIS: stack.kinesisEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: stack.motoEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: stack.motoEndpoint,
    AWS_ENDPOINT_URL_SQS: stack.motoEndpoint,
    ...extra,
  };
}

/** stackEnv for a Sluice that moves records: FAST_FLOW_ENV, then `extra` (which wins). */
export function flowEnv(stack: TestStack, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return stackEnv(stack, prefix, { ...FAST_FLOW_ENV, ...extra });
}

/** Sluice as deployed in parts: an API, a poller and a worker process sharing one Redis. */
export interface SluiceRoles {
  /** Base URL of the API process. */
  readonly url: string;
  /** The running process of a role (after stopRole and a restart, the new one). */
  process(role: 'api' | 'poller' | 'worker'): SluiceProcess;
  /** Stops one role's process (SIGTERM unless told); resolves with a function that starts its successor. */
  stopRole(role: 'poller' | 'worker', signal?: NodeJS.Signals): Promise<() => Promise<void>>;
  /** Stops every process. */
  stop(): Promise<void>;
}

/** Starts `sluice start --role api`, `--role poller` and `--role worker` as three processes, at once. */
export async function startSluiceRoles(env: Record<string, string>): Promise<SluiceRoles> {
  const [api, poller, worker] = await Promise.all([startSluice({ args: ['start', '--role', 'api'], env }), startSluiceRole('poller', env), startSluiceRole('worker', env)]);
  const running = { api, poller, worker };
  return {
    url: api.url,
    process: (role) => running[role],
    stopRole: async (role, signal) => {
      await running[role].stop(signal);
      return async () => void (running[role] = await startSluiceRole(role, env));
    },
    stop: async () => void (await Promise.all(Object.values(running).map((p) => p.stop()))),
  };
}

/**
 * One call to a Sluice endpoint (the API or the ingress) over plain HTTP, with a JSON body if given
 * (`headers` may override its content type): the status, Lambda's error type header
 * (x-amzn-ErrorType) and the parsed body, undefined when empty.
 */
export async function callSluiceApi(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body === undefined ? { headers } : { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: text === '' ? undefined : JSON.parse(text) };
}

/**
 * POSTs a function definition in the registry's wire format (FunctionName, Invoker, Timeout, ...)
 * to a running Sluice; resolves with the status and the answer's text (for failure messages).
 */
export async function registerFunction(sluiceUrl: string, definition: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${sluiceUrl}/sluice/v1/functions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(definition),
  });
  return { status: response.status, text: await response.text() };
}

/** Registers an HTTP function with a running Sluice; resolves with the response status. */
export async function registerHttpFunction(sluiceUrl: string, name: string, url: string): Promise<number> {
  return (await registerFunction(sluiceUrl, { FunctionName: name, Invoker: { Type: 'http', Url: url } })).status;
}
