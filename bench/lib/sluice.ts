import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { RedisLeaseReader, createRedis, createRedisKeys, mastersOf } from '@sluice/shared';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { CREDENTIALS, REGION } from './kinesis.js';
import { stopOnInterrupt } from './interrupt.js';
import { processCpuSeconds } from './report.js';

/** The built `sluice` command (`npm run build`). */
export const SLUICE_BIN = fileURLToPath(new URL('../../services/cli/dist/main.js', import.meta.url));

export interface BenchSluice {
  readonly url: string;
  /** Every Sluice process: one with `--role all`, api + poller + worker with BENCH_SLUICE_TOPOLOGY=split. */
  readonly pids: readonly number[];
  /** CPU seconds (user + system) all Sluice processes have used so far. */
  cpuSeconds(): number;
  readonly prefix: string;
  readonly lambda: LambdaClient;
  /** Registers an HTTP function under `name`. */
  registerFunction(name: string, url: string): Promise<void>;
  /** CreateEventSourceMapping through the real AWS SDK; returns the UUID. */
  createMapping(input: CreateEventSourceMappingCommandInput): Promise<string>;
  /** Waits until Sluice holds `count` leases of the mapping (from /metrics, or from Redis when split). */
  waitForLeases(uuid: string, count: number, timeoutMs?: number): Promise<void>;
  waitForState(uuid: string, state: string, timeoutMs?: number): Promise<void>;
  /** Deletes a mapping once its state has settled, and waits until Sluice holds none of its leases and it is gone. */
  deleteMapping(uuid: string, timeoutMs?: number): Promise<void>;
  metrics(): Promise<string>;
  /** SIGTERM to every process, wait for their exits, then delete every key under the prefix. */
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

export type SluiceTopology = 'all' | 'split';

/**
 * BENCH_SLUICE_TOPOLOGY: `all` (the default) runs Sluice as one `start --role all` process;
 * `split` runs `start --role api`, `--role poller` and `--role worker` as three processes, the
 * topology docker-compose.yml deploys (so the poller's GetRecords parsing and the worker's
 * invocations no longer share one event loop).
 */
export function sluiceTopology(): SluiceTopology {
  const value = process.env.BENCH_SLUICE_TOPOLOGY?.trim() || 'all';
  if (value !== 'all' && value !== 'split') throw new Error(`BENCH_SLUICE_TOPOLOGY: expected all or split, got ${JSON.stringify(value)}`);
  return value;
}

/** The API prints this line once it listens; a poller or worker logs "sluice started" once it runs. */
const API_LISTENING = /Sluice API listening on (http:\/\/\S+)/;
const ROLE_STARTED = /"msg":"sluice started"/;

interface RoleProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** The first match of the role's ready line in its output. */
  readonly ready: Promise<RegExpExecArray>;
}

/** Spawns `sluice start --role <role>` and watches its output for `readyPattern`. */
function spawnRole(role: string, env: NodeJS.ProcessEnv, readyPattern: RegExp): RoleProcess {
  // A diagnostic: BENCH_SLUICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" goes to Sluice's node only.
  const nodeArgs = process.env.BENCH_SLUICE_NODE_ARGS?.trim().split(/\s+/).filter((arg) => arg !== '') ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, SLUICE_BIN, 'start', '--role', role], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A diagnostic: BENCH_SLUICE_LOG=<file> keeps Sluice's whole log (pino JSON lines with an ISO `time`);
  // with the split topology each role writes <file>.<role>.
  const logPath = process.env.BENCH_SLUICE_LOG ? (role === 'all' ? process.env.BENCH_SLUICE_LOG : `${process.env.BENCH_SLUICE_LOG}.${role}`) : undefined;
  if (logPath !== undefined) {
    const logFile = createWriteStream(logPath);
    child.stdout!.pipe(logFile);
    child.stderr!.pipe(logFile);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let tail = '';
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice --role ${role} did not start within 30 s:\n${tail}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      // Keep only the end: a long bench must not hold every log line.
      tail = (tail + chunk.toString()).slice(-8_192);
      const match = readyPattern.exec(tail);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sluice --role ${role} exited with ${code}:\n${tail}`));
    });
  });
  return { child, exited, ready };
}

/** SIGTERM, SIGKILL after `graceMs`, resolved once the process exited. */
async function stopRole(role: RoleProcess, graceMs: number): Promise<void> {
  if (role.child.exitCode === null && role.child.signalCode === null) role.child.kill('SIGTERM');
  const killer = setTimeout(() => role.child.kill('SIGKILL'), graceMs);
  await role.exited;
  clearTimeout(killer);
}

/**
 * Runs Sluice as its own process(es), as a user would: `sluice start --role all`, or with
 * BENCH_SLUICE_TOPOLOGY=split the api, poller and worker roles as three processes (sluiceTopology).
 * Every SLUICE_* variable of the bench's own environment is dropped, so Sluice runs on its defaults
 * plus `env` exactly (and BENCH_SLUICE_ENV, when given, for what-if runs).
 */
export async function startSluice(options: { redisUrl: string; kinesisEndpoint?: string; prefix: string; env?: Record<string, string> }): Promise<BenchSluice> {
  const topology = sluiceTopology();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLUICE_') && !name.startsWith('AWS_')));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: REGION,
    ...(options.kinesisEndpoint === undefined ? {} : { AWS_ENDPOINT_URL_KINESIS: options.kinesisEndpoint }),
    REDIS_URL: options.redisUrl,
    SLUICE_REDIS_PREFIX: options.prefix,
    SLUICE_PORT: '0',
    // `--role all` runs the ingress too; a free port, so a `sluice dev` on 9072 does not stop the bench.
    SLUICE_INGRESS_PORT: '0',
    ...options.env,
    ...whatIfEnv(),
  };
  // The API process (the only one with `all`) comes first: its URL is the bench's.
  const roles: RoleProcess[] =
    topology === 'all'
      ? [spawnRole('all', env, API_LISTENING)]
      : [spawnRole('api', env, API_LISTENING), spawnRole('poller', env, ROLE_STARTED), spawnRole('worker', env, ROLE_STARTED)];
  const stopAll = () => Promise.all(roles.map((role) => stopRole(role, 15_000)));
  const forget = stopOnInterrupt(async () => {
    await stopAll();
    await deletePrefix(options.redisUrl, options.prefix).catch(() => undefined);
  });
  let url: string;
  try {
    url = (await Promise.all(roles.map((role) => role.ready)))[0]![1]!;
  } catch (error) {
    forget();
    await Promise.all(roles.map((role) => stopRole(role, 1_000)));
    throw error;
  }
  const lambda = new LambdaClient({ region: REGION, credentials: CREDENTIALS, endpoint: url, maxAttempts: 1 });
  // In split mode the sluice_leases_held gauge lives in the poller, which serves no HTTP: Redis holds the same facts.
  const leaseRedis = topology === 'split' ? createRedis(options.redisUrl) : undefined;
  const metrics = async () => (await fetch(`${url}/metrics`)).text();
  const leasesOf = async (uuid: string) => (leaseRedis === undefined ? leasesHeld(await metrics(), uuid) : leasesHeldInRedis(leaseRedis, options.prefix, uuid));
  const waitUntil = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const pids = roles.map((role) => role.child.pid!);

  return {
    url,
    pids,
    cpuSeconds: () => pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0),
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
    waitForLeases: (uuid, count, timeoutMs = 30_000) => waitUntil(async () => (await leasesOf(uuid)) === count, timeoutMs, `mapping ${uuid} never held ${count} leases`),
    waitForState: (uuid, state, timeoutMs = 30_000) =>
      waitUntil(async () => (await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State === state, timeoutMs, `mapping ${uuid} never reached ${state}`),
    async deleteMapping(uuid, timeoutMs = 30_000) {
      // Lambda refuses a delete while the mapping is Creating (ResourceInUseException): a drain can end sooner.
      const settled = async () => ['Enabled', 'Disabled'].includes((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State ?? '');
      await waitUntil(settled, timeoutMs, `mapping ${uuid} never settled`);
      await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
      await waitUntil(async () => (await leasesOf(uuid)) === 0, timeoutMs, `mapping ${uuid} still held leases`);
      // Deleting until the state settles: a new mapping of the same stream and function is refused meanwhile.
      const gone = () =>
        lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })).then(
          () => false,
          (error: unknown) => (error as { name?: string }).name === 'ResourceNotFoundException',
        );
      await waitUntil(gone, timeoutMs, `mapping ${uuid} was never gone`);
    },
    metrics,
    async stop() {
      forget();
      lambda.destroy();
      leaseRedis?.disconnect();
      await stopAll();
      await deletePrefix(options.redisUrl, options.prefix);
    },
  };
}

/** The sluice_leases_held gauge of one mapping in a /metrics text (0 when absent). */
export function leasesHeld(metricsText: string, uuid: string): number {
  const line = metricsText.split('\n').find((l) => l.startsWith(`sluice_leases_held{mapping="${uuid}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/**
 * The leases of one mapping that some poller holds now, read from Redis the way the dashboard reads
 * them (RedisLeaseReader): an owner and an expiry ahead of Redis's clock. The poller deletes them
 * only after it stopped the mapping's runners, so 0 after a delete means the same as the gauge's 0.
 */
export async function leasesHeldInRedis(redis: Redis, prefix: string, uuid: string): Promise<number> {
  const { nowMs, byMapping } = await new RedisLeaseReader(redis, createRedisKeys(prefix)).read([uuid]);
  return (byMapping.get(uuid) ?? []).filter((lease) => lease.owner !== undefined && lease.expiresAtMs > nowMs).length;
}

/**
 * Deletes the installation's keys (they all start with `{prefix}` or `{prefix:`); never FLUSHALL.
 * REDIS_URL's forms alike (a cluster's masters each scanned); one key per UNLINK, as the keys of
 * several slots may not go in one command on a cluster.
 */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    await redis.ping(); // a cluster client knows its masters once connected
    for (const node of mastersOf(redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `{${prefix}[}:]*`, 'COUNT', 500);
        await Promise.all(keys.map((key) => node.unlink(key)));
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}
