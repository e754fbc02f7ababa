/**
 * Bench 4: the time Sluice adds to ONE invocation, against calling the same HTTP function directly,
 * in the same run. Sequential (one invocation at a time), so each figure is a latency, not a rate.
 *
 *   node --import tsx bench/invoke-overhead.ts    (after npm run build)
 *
 * Paths, each BENCH_INVOCATIONS times per round (after a warm-up), every round in this order:
 * - direct: the POST Sluice's HttpInvoker sends, with the same node:http keep-alive client settings;
 * - HttpInvoker, and InvokerRegistry -> HttpInvoker: the worker's invoker layer, in this process;
 * - processor: the worker's BullMQ processor (job parse, function lookup through the worker's cache,
 *   invoke, outcome) on a plain job object, in this process: everything of Sluice's worker but BullMQ;
 * - raw BullMQ: Queue.add -> a plain BullMQ Worker in another process doing the direct POST ->
 *   waitUntilFinished: the floor any queue-based path has on this machine;
 * - Sluice: a one-record stream batch job through the poller's own BullmqDispatcher (add, await
 *   the outcome on a QueueEvents) -> `sluice start --role worker` in another process ->
 *   HttpInvoker -> the function -> the outcome back to the caller.
 * Overhead = Sluice minus direct, p50 and p99 of the same round; the verdict takes the median of
 * the rounds. Target (issue #4): p50 overhead <= 2 ms.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import {
  CachedFunctionStore,
  FunctionChangeListener,
  RedisFunctionStore,
  STREAM_BATCH_QUEUE,
  functionChangesChannel,
  createLogger,
  createRedis,
  createRedisKeys,
  createStreamBatchQueue,
  createStreamBatchQueueEvents,
  streamBatchJobId,
  type StreamBatchJob,
} from '@sluice/shared';
import { BullmqDispatcher } from '@sluice/poller';
import { HttpInvoker, InvokerRegistry } from '@sluice/invokers';
import { createStreamBatchProcessor } from '@sluice/worker';
import { startBenchRedis } from './lib/redis-server.js';
import { startNoopFunction } from './lib/function.js';
import { createDirectPost } from './lib/direct-post.js';
import { noopFunctionDefinition, oneRecordBatchJob } from './lib/batch-job.js';
import { startRawWorker, startSluiceWorker } from './lib/worker-process.js';
import { settingsLine } from './lib/sluice.js';
import { percentile, fixed, loadLine, printTable, stamp } from './lib/report.js';

const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 1000);
const WARMUP = Math.max(50, Math.round(INVOCATIONS / 10));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_P50_OVERHEAD_MS = 2;
const RAW_QUEUE = 'raw-http';

interface Figures {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

function figures(values: readonly number[]): Figures {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean: values.reduce((a, b) => a + b, 0) / values.length };
}

const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/** Runs `once` for each of `jobs` one after another; the time of each call, in ms. */
async function sequential(jobs: readonly StreamBatchJob[], once: (job: StreamBatchJob) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (const job of jobs) {
    const started = performance.now();
    await once(job);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * Where each queued invocation's time went, from the job hash the worker left. BullMQ stamps whole
 * epoch ms; its `timestamp` is the caller's own clock at add(), so the add is not split out.
 */
interface QueuedSplit {
  /** The caller's enqueue call -> the worker took the job (add, then the worker's wake-up and moveToActive). */
  readonly pickup: number;
  /** Took -> finished: the processor (parse, function lookup, invoke) and the completion script call. */
  readonly worker: number;
  /** Finished -> the caller saw the outcome (the completed event through QueueEvents). */
  readonly notify: number;
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  console.log(
    `[${stamp()}] invoke-overhead bench: ${ROUNDS} rounds x ${INVOCATIONS} sequential invocations per path (+${WARMUP} warm-up), ${settingsLine()}; ${loadLine()}`,
  );
  const redis = await startBenchRedis();
  const fn = await startNoopFunction(() => undefined);
  const prefix = `bench-overhead-${run}`;
  const keys = createRedisKeys(prefix);
  const storeRedis = createRedis(redis.url);
  const functionName = `bench-noop-${run}`;
  const definition = noopFunctionDefinition(functionName, fn.url);
  // What POST /sluice/v1/functions stores; the bench runs no API role.
  const store = new RedisFunctionStore(storeRedis, keys);
  if (!(await store.create(definition))) throw new Error(`function ${functionName} exists already`);

  const direct = createDirectPost(fn.url);
  const http = new HttpInvoker();
  const registry = new InvokerRegistry({ http });
  // The function lookup as the worker role wires it: cached, dropped on the registry's change notices.
  const cache = new CachedFunctionStore(store);
  const changes = new FunctionChangeListener(createRedis(redis.url), functionChangesChannel(keys), cache, createLogger({ level: 'silent' }));
  await changes.start();
  const processor = createStreamBatchProcessor({ functions: cache, invoker: registry, logger: createLogger({ level: 'silent' }) });

  const sluiceWorker = await startSluiceWorker({ redisUrl: redis.url, prefix });
  const rawPrefix = `{bench-overhead-raw-${run}}`;
  const rawWorker = await startRawWorker({ redisUrl: redis.url, prefix: rawPrefix, queues: [{ name: RAW_QUEUE, mode: 'http' }], concurrency: 50, functionUrl: fn.url });
  // The caller's side of Sluice's path, set up as the poller role sets it up.
  const bullRedis = createRedis(redis.url, { forBullmq: true });
  const queue = createStreamBatchQueue(bullRedis, keys);
  const events = createStreamBatchQueueEvents(bullRedis, keys);
  const rawRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
  const rawQueue = new Queue(RAW_QUEUE, { connection: rawRedis, prefix: rawPrefix });
  const rawEvents = new QueueEvents(RAW_QUEUE, { connection: rawRedis, prefix: rawPrefix });
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), rawQueue.waitUntilReady(), rawEvents.waitUntilReady()]);
  const lifetime = new AbortController();
  const dispatcher = new BullmqDispatcher(queue, events);

  const paths = ['direct POST', 'HttpInvoker', 'InvokerRegistry -> HttpInvoker', 'processor (no BullMQ)', 'raw BullMQ + POST', 'Sluice (queue -> worker)'] as const;
  type Path = (typeof paths)[number];
  const rounds: Record<Path, Figures>[] = [];
  const splits: Record<'raw' | 'sluice', QueuedSplit[]> = { raw: [], sluice: [] };
  let n = 0;
  const batch = (count: number): StreamBatchJob[] =>
    Array.from({ length: count }, () => {
      n += 1;
      return oneRecordBatchJob({ mappingId: `bench-${run}`, functionName, shard: n % 16, n });
    });
  const payload = (job: StreamBatchJob): string => JSON.stringify({ Records: job.records });
  const once: Record<Path, (job: StreamBatchJob) => Promise<void>> = {
    'direct POST': async (job) => {
      if ((await direct.post(payload(job))) !== 200) throw new Error('the function did not answer 200');
    },
    HttpInvoker: async (job) => {
      const result = await http.invoke({ fn: definition, payload: payload(job), requestId: randomUUID() });
      if (result.functionError !== undefined) throw new Error(`function error ${result.payload}`);
    },
    'InvokerRegistry -> HttpInvoker': async (job) => {
      const result = await registry.invoke({ fn: definition, payload: payload(job), requestId: randomUUID() });
      if (result.functionError !== undefined) throw new Error(`function error ${result.payload}`);
    },
    'processor (no BullMQ)': async (job) => {
      const outcome = await processor({ id: streamBatchJobId(job), data: job, updateData: async () => undefined });
      if (outcome.status !== 'succeeded') throw new Error(`outcome ${JSON.stringify(outcome)}`);
    },
    'raw BullMQ + POST': async (job) => {
      const added = await rawQueue.add(RAW_QUEUE, job, { jobId: streamBatchJobId(job) });
      if ((await added.waitUntilFinished(rawEvents)) !== 200) throw new Error('the function did not answer 200');
    },
    'Sluice (queue -> worker)': async (job) => {
      // The poller's own dispatcher: add under the deterministic id, await the outcome.
      const { outcome } = await dispatcher.dispatch(job, lifetime.signal);
      if (outcome.status !== 'succeeded') throw new Error(`outcome ${JSON.stringify(outcome)}`);
    },
  };

  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const result = {} as Record<Path, Figures>;
      for (const path of paths) {
        await sequential(batch(WARMUP), once[path]);
        const jobs = batch(INVOCATIONS);
        const called: number[] = [];
        const times = await sequential(jobs, async (job) => {
          called.push(performance.timeOrigin + performance.now());
          await once[path](job);
        });
        result[path] = figures(times);
        if (path === 'Sluice (queue -> worker)') splits.sluice.push(...(await readSplits(storeRedis, `${keys.queuePrefix(STREAM_BATCH_QUEUE)}:${STREAM_BATCH_QUEUE}`, jobs, called, times)));
        if (path === 'raw BullMQ + POST') splits.raw.push(...(await readSplits(storeRedis, `${rawPrefix}:${RAW_QUEUE}`, jobs, called, times)));
      }
      rounds.push(result);
      const overhead = result['Sluice (queue -> worker)'].p50 - result['direct POST'].p50;
      console.log(`round ${round}: direct p50 ${fixed(result['direct POST'].p50, 2)} ms, Sluice p50 ${fixed(result['Sluice (queue -> worker)'].p50, 2)} ms, overhead ${fixed(overhead, 2)} ms; ${loadLine()}`);
    }
  } finally {
    lifetime.abort();
    await Promise.allSettled([queue.close(), events.close(), rawQueue.close(), rawEvents.close()]);
    bullRedis.disconnect();
    rawRedis.disconnect();
    await Promise.allSettled([sluiceWorker.stop(), rawWorker.stop()]);
    await changes.stop();
    storeRedis.disconnect();
    direct.close();
    http.close();
    await fn.close();
    await redis.stop();
  }

  const med = (path: Path, key: keyof Figures) => median(rounds.map((r) => r[path][key]));
  const overheadOf = (path: Path, key: 'p50' | 'p99') => median(rounds.map((r) => r[path][key] - r['direct POST'][key]));
  printTable(
    `Sequential invocations of a no-op HTTP function, ms (median of ${ROUNDS} rounds x ${INVOCATIONS}; overhead = path - direct POST, per round, then the median)`,
    ['path', 'p50', 'p90', 'p99', 'mean', 'overhead p50', 'overhead p99'],
    paths.map((path) => [
      path,
      fixed(med(path, 'p50'), 2),
      fixed(med(path, 'p90'), 2),
      fixed(med(path, 'p99'), 2),
      fixed(med(path, 'mean'), 2),
      path === 'direct POST' ? '' : fixed(overheadOf(path, 'p50'), 2),
      path === 'direct POST' ? '' : fixed(overheadOf(path, 'p99'), 2),
    ]),
  );
  const split = (key: keyof QueuedSplit, which: 'raw' | 'sluice') => figures(splits[which].map((s) => s[key]));
  printTable(
    `Where a queued invocation's time went, ms (all ${splits.sluice.length} measured invocations of each; BullMQ stamps whole ms, so each part is +-1 ms; the caller's side is its sub-ms clock)`,
    ['part', 'Sluice p50', 'p90', 'p99', 'mean', 'raw BullMQ + POST p50', 'p90', 'p99', 'mean'],
    (
      [
        ['caller sends the job -> worker took it', 'pickup'],
        ['worker: took -> finished (processor, completion)', 'worker'],
        ['finished -> caller saw the outcome (QueueEvents)', 'notify'],
      ] as const
    ).map(([label, key]) => [
      label,
      ...(['sluice', 'raw'] as const).flatMap((which) => {
        const f = split(key, which);
        return [fixed(f.p50, 1), fixed(f.p90, 1), fixed(f.p99, 1), fixed(f.mean, 2)];
      }),
    ]),
  );
  const overhead = overheadOf('Sluice (queue -> worker)', 'p50');
  const perRound = rounds.map((r) => fixed(r['Sluice (queue -> worker)'].p50 - r['direct POST'].p50, 3)).join(', ');
  console.log(
    `Verdict: Sluice's p50 overhead over a direct POST is ${fixed(overhead, 3)} ms (rounds: ${perRound}); target <= ${TARGET_P50_OVERHEAD_MS} ms: ${overhead <= TARGET_P50_OVERHEAD_MS ? 'met' : 'MISSED'}. ` +
      `Raw BullMQ with the same POST adds ${fixed(overheadOf('raw BullMQ + POST', 'p50'), 2)} ms. ${loadLine()}`,
  );
}

/** Reads BullMQ's processedOn and finishedOn of each job (`<queue key prefix>:<job id>`). */
async function readSplits(redis: Redis, queuePrefix: string, jobs: readonly StreamBatchJob[], called: readonly number[], times: readonly number[]): Promise<QueuedSplit[]> {
  const pipeline = redis.pipeline();
  for (const job of jobs) pipeline.hmget(`${queuePrefix}:${streamBatchJobId(job)}`, 'processedOn', 'finishedOn');
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, fields], i) => {
    if (error) throw error;
    const [processedOn, finishedOn] = (fields as (string | null)[]).map(Number) as [number, number];
    const seen = called[i]! + times[i]!;
    return { pickup: processedOn - called[i]!, worker: finishedOn - processedOn, notify: seen - finishedOn };
  });
}

await main();
