/**
 * The raw BullMQ baseline, run as a process of its own (like Sluice's worker): one BullMQ Worker
 * per queue, no Sluice code. Mode `noop` returns at once; mode `http` POSTs the job's records to the
 * function (`{"Records":[...]}`) with the same client settings as Sluice's HttpInvoker
 * (direct-post.ts) and returns the status. Started by raw-worker.ts; not run by hand.
 *
 * Env: BENCH_RAW_REDIS_URL, BENCH_RAW_PREFIX, BENCH_RAW_QUEUES ("name:mode,..."),
 * BENCH_RAW_CONCURRENCY, BENCH_RAW_FUNCTION_URL.
 */
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { createDirectPost } from './direct-post.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
};

const connection = new Redis(env('BENCH_RAW_REDIS_URL'), { maxRetriesPerRequest: null });
const direct = createDirectPost(env('BENCH_RAW_FUNCTION_URL'));
const concurrency = Number(env('BENCH_RAW_CONCURRENCY'));
const processors = {
  noop: async () => 0,
  http: async (job: Job<{ records: unknown[] }>) => direct.post(JSON.stringify({ Records: job.data.records })),
} as const;

const workers = env('BENCH_RAW_QUEUES')
  .split(',')
  .map((spec) => {
    const [name, mode] = spec.split(':') as [string, keyof typeof processors];
    if (!(mode in processors)) throw new Error(`BENCH_RAW_QUEUES: unknown mode ${mode}`);
    return new Worker(name, processors[mode], { connection, prefix: env('BENCH_RAW_PREFIX'), concurrency });
  });
for (const worker of workers) worker.on('error', (error) => console.error(error));
await Promise.all(workers.map((w) => w.waitUntilReady()));
console.log('raw bullmq worker ready');

process.once('SIGTERM', () => {
  void (async () => {
    await Promise.all(workers.map((w) => w.close()));
    direct.close();
    connection.disconnect();
    process.exit(0);
  })();
});
