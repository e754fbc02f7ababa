/**
 * Event invocations accepted per second and their acceptance latency, on loopback:
 *   node --import tsx bench/event-accept.ts        (after npm run build)
 *
 * Each round measures, for the same duration and concurrency:
 * - raw (the baseline): BullMQ `queue.add` of the very job the Invoke API queues (enqueueAsyncInvocation),
 *   from this process, `BENCH_CONCURRENCY` adds in flight at once, on the same redis-server;
 * - Sluice: `hey` POSTs `/2015-03-31/functions/<name>/invocations` with `X-Amz-Invocation-Type: Event`
 *   (no token) at the same concurrency to `sluice start --role api`, a separate process on its default
 *   settings; every answer must be 202.
 * Target (issue #5): at least 5,000 accepted/s with p99 under 20 ms.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ensureRedis, findFreePort } from '@sluice/localstack';
import { createAsyncInvocationQueue, createRedis, createRedisKeys, enqueueAsyncInvocation } from '@sluice/shared';
import { stopOnInterrupt } from './lib/interrupt.js';
import { fixed, loadLine, percentile, printTable, stamp } from './lib/report.js';
import { SLUICE_BIN } from './lib/sluice.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const FUNCTION = 'bench-accept';
const EVENT = JSON.stringify({ orderId: '9e07af03', items: [{ sku: 'A-1', qty: 2 }], note: 'x'.repeat(100) });
const TARGET_RATE = 5000;
const TARGET_P99_MS = 20;

interface Round {
  readonly accepted: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function main(): Promise<void> {
  if (spawnSync('hey', ['-n', '1', 'http://127.0.0.1:1/'], { stdio: 'ignore' }).error !== undefined) throw new Error('needs `hey` on the PATH (apt-get install -y hey)');
  console.log(`bench/event-accept.ts ${stamp()}: ${ROUNDS} rounds x ${SECONDS} s, concurrency ${CONCURRENCY}, ${loadLine()}`);
  const redis = await ensureRedis(`redis://127.0.0.1:${await findFreePort()}`);
  const forgetRedis = stopOnInterrupt(() => redis.stop());
  const prefix = `bench-accept-${process.pid}`;
  const sluice = await startApiRole(redis.url, prefix);
  try {
    await register(sluice.url);
    // Warm-up: the API's first requests compile its paths; the queue's first adds load BullMQ's scripts.
    await heyRun(sluice.url, 2);
    await rawRun(redis.url, prefix, 2);
    const raw: Round[] = [];
    const api: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      raw.push(await rawRun(redis.url, prefix, SECONDS));
      api.push(await heyRun(sluice.url, SECONDS));
      console.log(`round ${round}: raw ${fixed(raw.at(-1)!.perSecond)}/s p99 ${fixed(raw.at(-1)!.p99, 2)} ms; Sluice ${fixed(api.at(-1)!.perSecond)}/s p99 ${fixed(api.at(-1)!.p99, 2)} ms (${loadLine()})`);
    }
    report(raw, api);
  } finally {
    await sluice.stop();
    forgetRedis();
    await redis.stop();
  }
}

/** `sluice start --role api` on its defaults (every SLUICE_* and AWS_* variable of this shell dropped). */
async function startApiRole(redisUrl: string, prefix: string): Promise<{ url: string; stop(): Promise<void> }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLUICE_') && !name.startsWith('AWS_')));
  const child: ChildProcess = spawn(process.execPath, [SLUICE_BIN, 'start', '--role', 'api'], {
    env: { ...inherited, REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_PORT: '0', SLUICE_LOG_LEVEL: 'warn', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  const forget = stopOnInterrupt(stop);
  let tail = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-8192);
      const match = /Sluice API listening on (http:\/\/\S+)/.exec(tail);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`sluice exited before it listened:\n${tail}`)));
  });
  return {
    url,
    stop: async () => {
      forget();
      await stop();
    },
  };
}

async function register(url: string): Promise<void> {
  const response = await fetch(`${url}/sluice/v1/functions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    // Never invoked: no worker runs, the bench measures acceptance only.
    body: JSON.stringify({ FunctionName: FUNCTION, Invoker: { Type: 'http', Url: 'http://127.0.0.1:9/' } }),
  });
  if (response.status !== 201) throw new Error(`registering ${FUNCTION}: ${response.status} ${await response.text()}`);
}

/** hey at CONCURRENCY for `seconds`; its CSV gives every request's time and status. */
async function heyRun(url: string, seconds: number): Promise<Round> {
  const args = ['-z', `${seconds}s`, '-c', String(CONCURRENCY), '-m', 'POST', '-T', 'application/json', '-H', 'X-Amz-Invocation-Type: Event', '-d', EVENT, '-o', 'csv'];
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('hey', [...args, `${url}/2015-03-31/functions/${FUNCTION}/invocations`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', reject);
    child.once('exit', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
  // response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
  const rows = out.trim().split('\n').slice(1).map((line) => line.split(','));
  const latencies = rows.filter((r) => r[6] === '202').map((r) => Number(r[0]) * 1000).sort((a, b) => a - b);
  return summarise(latencies, rows.length - latencies.length, seconds);
}

/** CONCURRENCY loops of queue.add (the Invoke API's own enqueue call) for `seconds`. */
async function rawRun(redisUrl: string, prefix: string, seconds: number): Promise<Round> {
  const connection = createRedis(redisUrl, { forBullmq: true });
  const queue = createAsyncInvocationQueue(connection, createRedisKeys(`${prefix}-raw`));
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      try {
        await enqueueAsyncInvocation(queue, { requestId: randomUUID(), functionName: FUNCTION, payload: EVENT, acceptedAt: Date.now(), origin: 'invoke' });
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  await queue.close();
  await connection.quit();
  return summarise(latencies.sort((a, b) => a - b), errors, seconds);
}

function summarise(sorted: readonly number[], errors: number, seconds: number): Round {
  return { accepted: sorted.length, perSecond: sorted.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99), errors };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function report(raw: readonly Round[], api: readonly Round[]): void {
  const row = (name: string, rounds: readonly Round[]) => [
    name,
    rounds.map((r) => fixed(r.perSecond)).join(', '),
    fixed(median(rounds.map((r) => r.perSecond))),
    fixed(median(rounds.map((r) => r.p50)), 2),
    fixed(median(rounds.map((r) => r.p99)), 2),
    String(rounds.reduce((n, r) => n + r.errors, 0)),
  ];
  printTable(`Event acceptance at concurrency ${CONCURRENCY}, ${SECONDS} s per round (medians of ${ROUNDS} rounds)`, ['', 'per second (each round)', 'per second', 'p50 ms', 'p99 ms', 'errors / non-202'], [
    row('raw BullMQ queue.add', raw),
    row('Sluice Invoke API (Event)', api),
  ]);
  const rate = median(api.map((r) => r.perSecond));
  const p99 = median(api.map((r) => r.p99));
  console.log(`Sluice / raw: ${fixed(rate / median(raw.map((r) => r.perSecond)), 2)} of raw's rate, p99 ${fixed(p99 / median(raw.map((r) => r.p99)), 1)}x raw's`);
  const met = rate >= TARGET_RATE && p99 < TARGET_P99_MS;
  console.log(`target: >= ${TARGET_RATE} accepted/s with p99 < ${TARGET_P99_MS} ms: ${met ? 'met' : 'MISSED'} (${fixed(rate)}/s, p99 ${fixed(p99, 2)} ms)`);
}

await main();
