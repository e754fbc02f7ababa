import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { CREDENTIALS, REGION } from './kinesis.js';
import { stopOnInterrupt } from './interrupt.js';

/** The built `sluice` command (`npm run build`). */
export const SLUICE_BIN = fileURLToPath(new URL('../../services/cli/dist/main.js', import.meta.url));

export interface BenchSluice {
  readonly url: string;
  readonly pid: number;
  readonly prefix: string;
  readonly lambda: LambdaClient;
  /** Registers an HTTP function under `name`. */
  registerFunction(name: string, url: string): Promise<void>;
  /** CreateEventSourceMapping through the real AWS SDK; returns the UUID. */
  createMapping(input: CreateEventSourceMappingCommandInput): Promise<string>;
  /** Waits until the process holds `count` leases of the mapping (from /metrics). */
  waitForLeases(uuid: string, count: number, timeoutMs?: number): Promise<void>;
  waitForState(uuid: string, state: string, timeoutMs?: number): Promise<void>;
  /** Deletes a mapping and waits until this process holds none of its leases. */
  deleteMapping(uuid: string, timeoutMs?: number): Promise<void>;
  metrics(): Promise<string>;
  /** SIGTERM, wait for the exit, then delete every key under the prefix. */
  stop(): Promise<void>;
}

/**
 * Settings for what-if runs, never the default: BENCH_SLUICE_ENV="SLUICE_POLL_INTERVAL_MS=1000 ..."
 * (space-separated NAME=value pairs) is passed to Sluice on top of the bench's own settings.
 */
export function whatIfEnv(): Record<string, string> {
  const spec = process.env.BENCH_SLUICE_ENV?.trim() ?? '';
  if (spec === '') return {};
  return Object.fromEntries(
    spec.split(/\s+/).map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`BENCH_SLUICE_ENV: expected NAME=value, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** One line saying which settings Sluice runs on, for each bench's header. */
export function settingsLine(): string {
  const extra = whatIfEnv();
  return Object.keys(extra).length === 0 ? 'Sluice on default settings' : `Sluice on default settings EXCEPT ${Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ')}`;
}

/**
 * Runs `sluice start --role all` as its own process, as a user would. Every SLUICE_* variable of
 * the bench's own environment is dropped, so Sluice runs on its defaults plus `env` exactly (and
 * BENCH_SLUICE_ENV, when given, for what-if runs).
 */
export async function startSluice(options: { redisUrl: string; kinesisEndpoint: string; prefix: string; env?: Record<string, string> }): Promise<BenchSluice> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLUICE_') && !name.startsWith('AWS_')));
  // A diagnostic: BENCH_SLUICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" goes to Sluice's node only.
  const nodeArgs = process.env.BENCH_SLUICE_NODE_ARGS?.trim().split(/\s+/).filter((arg) => arg !== '') ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, SLUICE_BIN, 'start', '--role', 'all'], {
    env: {
      ...inherited,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_KINESIS: options.kinesisEndpoint,
      REDIS_URL: options.redisUrl,
      SLUICE_REDIS_PREFIX: options.prefix,
      SLUICE_PORT: '0',
      // `--role all` runs the ingress too; a free port, so a `sluice dev` on 9072 does not stop the bench.
      SLUICE_INGRESS_PORT: '0',
      ...options.env,
      ...whatIfEnv(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  // A diagnostic: BENCH_SLUICE_LOG=<file> keeps Sluice's whole log (pino JSON lines with an ISO `time`).
  const logFile = process.env.BENCH_SLUICE_LOG ? createWriteStream(process.env.BENCH_SLUICE_LOG) : undefined;
  if (logFile !== undefined) {
    child.stdout!.pipe(logFile);
    child.stderr!.pipe(logFile);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const forget = stopOnInterrupt(async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
    await deletePrefix(options.redisUrl, options.prefix).catch(() => undefined);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice did not start within 30 s:\n${tail}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      // Keep only the end: a long bench must not hold every log line.
      tail = (tail + chunk.toString()).slice(-8_192);
      const match = /Sluice API listening on (http:\/\/\S+)/.exec(tail);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sluice exited with ${code}:\n${tail}`));
    });
  });
  const lambda = new LambdaClient({ region: REGION, credentials: CREDENTIALS, endpoint: url, maxAttempts: 1 });

  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    url,
    pid: child.pid!,
    prefix: options.prefix,
    lambda,
    async registerFunction(name, functionUrl) {
      const response = await fetch(`${url}/sluice/v1/functions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ FunctionName: name, Invoker: { Type: 'http', Url: functionUrl } }),
      });
      if (response.status !== 201) throw new Error(`registering ${name}: ${response.status} ${await response.text()}`);
    },
    async createMapping(input) {
      const created = await lambda.send(new CreateEventSourceMappingCommand(input));
      return created.UUID!;
    },
    waitForLeases: (uuid, count, timeoutMs = 30_000) =>
      waitUntil(async () => leasesHeld(await metrics(), uuid) === count, timeoutMs, `mapping ${uuid} never held ${count} leases`),
    waitForState: (uuid, state, timeoutMs = 30_000) =>
      waitUntil(async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === state, timeoutMs, `mapping ${uuid} never reached ${state}`),
    async deleteMapping(uuid, timeoutMs = 30_000) {
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
      await waitUntil(async () => leasesHeld(await metrics(), uuid) === 0, timeoutMs, `mapping ${uuid} still held leases`);
    },
    metrics,
    async stop() {
      forget();
      lambda.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      await deletePrefix(options.redisUrl, options.prefix);
    },
  };
}

/** The sluice_leases_held gauge of one mapping in a /metrics text (0 when absent). */
export function leasesHeld(metricsText: string, uuid: string): number {
  const line = metricsText.split('\n').find((l) => l.startsWith(`sluice_leases_held{mapping="${uuid}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Deletes the installation's keys (they all start with `{prefix}`); never FLUSHALL. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
