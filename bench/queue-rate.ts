/**
 * Bench 5: invocations per second through the queue, Sluice's worker role against raw BullMQ on the
 * same Redis, in the same run.
 *
 *   node --import tsx bench/queue-rate.ts    (after npm run build)
 *
 * Each round, three times the same work: BENCH_JOBS one-record stream batch jobs spread over
 * BENCH_LANES shards (lane 0 each) are added to a PAUSED queue, then the queue is resumed and timed
 * until every job has finished (from just before resume to the last job's finishedOn):
 * - raw BullMQ no-op: a plain BullMQ Worker whose processor returns at once (the queue's ceiling);
 * - raw BullMQ + POST: a plain BullMQ Worker whose processor POSTs the job's records to the no-op
 *   HTTP function with the same client settings as Sluice's HttpInvoker (the fair baseline);
 * - Sluice: `sluice start --role worker` on its default settings (concurrency 50) invoking the same
 *   function through its HttpInvoker, jobs added with Sluice's own job options.
 * Both raw workers run in a process of their own with Sluice's worker concurrency, as Sluice's does;
 * the function runs in the bench process. Target (issue #4): Sluice >= 0.5 of raw BullMQ + POST.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  RedisFunctionStore,
  STREAM_BATCH_QUEUE,
  createRedis,
  createRedisKeys,
  createStreamBatchQueue,
  loadConfig,
  packStreamBatchJob,
  streamBatchJobId,
  type StreamBatchJob,
} from '@sluice/shared';
import { startBenchRedis } from './lib/redis-server.js';
import { startNoopFunction } from './lib/function.js';
import { noopFunctionDefinition, oneRecordBatchJob } from './lib/batch-job.js';
import { startRawWorker, startSluiceWorker } from './lib/worker-process.js';
import { settingsLine, whatIfEnv } from './lib/sluice.js';
import { fixed, loadLine, percentile, printTable, processCpuSeconds, sleep, stamp } from './lib/report.js';
import type { BenchChild } from './lib/child.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 5000);
const LANES = Number(process.env.BENCH_LANES ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_RATIO = 0.5;
/** The concurrency Sluice's worker runs with (its default, or a what-if's); the raw workers get the same. */
const CONCURRENCY = loadConfig({ ...whatIfEnv() }).SLUICE_WORKER_CONCURRENCY;

const modes = ['raw BullMQ no-op', 'raw BullMQ + POST', 'Sluice worker'] as const;
type Mode = (typeof modes)[number];

interface Drain {
  readonly seconds: number;
  readonly rate: number;
  /** CPU ms per job of the worker process and of the bench process (which serves the function). */
  readonly workerCpuMs: number;
  readonly benchCpuMs: number;
}

const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  console.log(
    `[${stamp()}] queue-rate bench: ${ROUNDS} rounds x ${JOBS} one-record jobs over ${LANES} lanes, worker concurrency ${CONCURRENCY}, ${settingsLine()}; ${loadLine()}`,
  );
  const redis = await startBenchRedis();
  const fn = await startNoopFunction(() => undefined);
  const prefix = `bench-rate-${run}`;
  const keys = createRedisKeys(prefix);
  const storeRedis = createRedis(redis.url);
  const functionName = `bench-noop-${run}`;
  // What POST /sluice/v1/functions stores; the bench runs no API role.
  const created = await new RedisFunctionStore(storeRedis, keys).create(noopFunctionDefinition(functionName, fn.url));
  if (!created) throw new Error(`function ${functionName} exists already`);

  const rawPrefix = `{bench-rate-raw-${run}}`;
  const rawQueues = { 'raw BullMQ no-op': 'raw-noop', 'raw BullMQ + POST': 'raw-http' } as const;
  const workers: Record<Mode, BenchChild> = {
    'raw BullMQ no-op': await startRawWorker({ redisUrl: redis.url, prefix: rawPrefix, queues: [{ name: rawQueues['raw BullMQ no-op'], mode: 'noop' }], concurrency: CONCURRENCY, functionUrl: fn.url }),
    'raw BullMQ + POST': await startRawWorker({ redisUrl: redis.url, prefix: rawPrefix, queues: [{ name: rawQueues['raw BullMQ + POST'], mode: 'http' }], concurrency: CONCURRENCY, functionUrl: fn.url }),
    'Sluice worker': await startSluiceWorker({ redisUrl: redis.url, prefix }),
  };
  const bullRedis = createRedis(redis.url, { forBullmq: true });
  const rawRedis = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queues: Record<Mode, Queue> = {
    'raw BullMQ no-op': new Queue(rawQueues['raw BullMQ no-op'], { connection: rawRedis, prefix: rawPrefix }),
    'raw BullMQ + POST': new Queue(rawQueues['raw BullMQ + POST'], { connection: rawRedis, prefix: rawPrefix }),
    'Sluice worker': createStreamBatchQueue(bullRedis, keys) as Queue,
  };
  const queueKey: Record<Mode, string> = {
    'raw BullMQ no-op': `${rawPrefix}:${rawQueues['raw BullMQ no-op']}`,
    'raw BullMQ + POST': `${rawPrefix}:${rawQueues['raw BullMQ + POST']}`,
    'Sluice worker': `${keys.queuePrefix(STREAM_BATCH_QUEUE)}:${STREAM_BATCH_QUEUE}`,
  };

  let n = 0;
  const results: Record<Mode, Drain>[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const result = {} as Record<Mode, Drain>;
      for (const mode of modes) {
        const jobs = Array.from({ length: JOBS }, (_, i) => {
          n += 1;
          const job = oneRecordBatchJob({ mappingId: `bench-${run}`, functionName, shard: i % LANES, n });
          // Sluice's worker gets the job as the poller stores it; the raw workers POST job.data.records as they are.
          return mode === 'Sluice worker' ? packStreamBatchJob(job) : job;
        });
        const invocationsBefore = fn.invocations();
        result[mode] = await drain(queues[mode], queueKey[mode], workers[mode].pid, jobs, storeRedis);
        const invoked = fn.invocations() - invocationsBefore;
        const expected = mode === 'raw BullMQ no-op' ? 0 : JOBS;
        if (invoked !== expected) throw new Error(`${mode}: the function was invoked ${invoked} times, expected ${expected}`);
        // The next round starts from an empty queue, as this one did.
        await queues[mode].obliterate({ force: true });
      }
      results.push(result);
      const ratio = result['Sluice worker'].rate / result['raw BullMQ + POST'].rate;
      console.log(
        `round ${round}: ${modes.map((m) => `${m} ${fixed(result[m].rate)}/s`).join(', ')}; Sluice / raw + POST ${fixed(ratio, 2)}; ${loadLine()}`,
      );
    }
  } finally {
    await Promise.allSettled(modes.map((m) => queues[m].close()));
    bullRedis.disconnect();
    rawRedis.disconnect();
    await Promise.allSettled(modes.map((m) => workers[m].stop()));
    storeRedis.disconnect();
    await fn.close();
    await redis.stop();
  }

  const med = (mode: Mode, key: keyof Drain) => median(results.map((r) => r[mode][key]));
  const ratioTo = (mode: Mode, base: Mode) => median(results.map((r) => r[mode].rate / r[base].rate));
  printTable(
    `${JOBS} one-record jobs, concurrency ${CONCURRENCY}: median of ${ROUNDS} rounds (ratios per round, then the median)`,
    ['worker', 'seconds', 'jobs/s', 'vs raw + POST', 'vs raw no-op', 'worker CPU ms/job', 'bench CPU ms/job (function)'],
    modes.map((mode) => [
      mode,
      fixed(med(mode, 'seconds'), 2),
      fixed(med(mode, 'rate')),
      fixed(ratioTo(mode, 'raw BullMQ + POST'), 2),
      fixed(ratioTo(mode, 'raw BullMQ no-op'), 2),
      fixed(med(mode, 'workerCpuMs'), 3),
      fixed(med(mode, 'benchCpuMs'), 3),
    ]),
  );
  const ratio = ratioTo('Sluice worker', 'raw BullMQ + POST');
  const perRound = results.map((r) => fixed(r['Sluice worker'].rate / r['raw BullMQ + POST'].rate, 2)).join(', ');
  console.log(
    `Verdict: Sluice's worker ran ${fixed(ratio, 2)} of raw BullMQ's rate doing the same HTTP POST (rounds: ${perRound}); target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}. ` +
      `Against a no-op raw processor: ${fixed(ratioTo('Sluice worker', 'raw BullMQ no-op'), 2)}. ${loadLine()}`,
  );
}

/**
 * Adds `jobs` to the paused queue, resumes it, and waits until all have finished; the time runs
 * from just before resume() to the last job's finishedOn (BullMQ's epoch ms, read from the hashes).
 */
async function drain(queue: Queue, queueKey: string, workerPid: number, jobs: readonly StreamBatchJob[], redis: Redis): Promise<Drain> {
  await queue.pause();
  for (let i = 0; i < jobs.length; i += 1000) {
    await queue.addBulk(jobs.slice(i, i + 1000).map((job) => ({ name: queue.name, data: job, opts: { jobId: streamBatchJobId(job) } })));
  }
  const workerCpu = processCpuSeconds(workerPid);
  const benchCpu = process.cpuUsage();
  const started = Date.now();
  await queue.resume();
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    if ((counts.failed ?? 0) > 0) throw new Error(`${queueKey}: ${counts.failed} jobs failed`);
    if ((counts.completed ?? 0) >= jobs.length) break;
    await sleep(20);
  }
  const workerCpuMs = ((processCpuSeconds(workerPid) - workerCpu) * 1000) / jobs.length;
  const benchUsage = process.cpuUsage(benchCpu);
  const pipeline = redis.pipeline();
  for (const job of jobs) pipeline.hget(`${queueKey}:${streamBatchJobId(job)}`, 'finishedOn');
  const finished = ((await pipeline.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return Number(value);
  });
  const seconds = (Math.max(...finished) - started) / 1000;
  return { seconds, rate: jobs.length / seconds, workerCpuMs, benchCpuMs: (benchUsage.user + benchUsage.system) / 1000 / jobs.length };
}

await main();
