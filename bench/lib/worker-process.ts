import { fileURLToPath } from 'node:url';
import { startChild, type BenchChild } from './child.js';
import { CREDENTIALS, REGION } from './kinesis.js';
import { SLUICE_BIN, whatIfEnv } from './sluice.js';

/**
 * Sluice's worker role as a process of its own, as deployed (`sluice start --role worker`), on its
 * default settings: every SLUICE_* and AWS_* variable of the bench's environment is dropped
 * (BENCH_SLUICE_ENV still applies, for what-if runs). Ready once it logs "worker started".
 * BENCH_WORKER_NODE_ARGS (diagnostics, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to its node.
 */
export function startSluiceWorker(options: { redisUrl: string; prefix: string }): Promise<BenchChild> {
  return startChild(
    process.execPath,
    [...nodeArgs(), SLUICE_BIN, 'start', '--role', 'worker'],
    {
      ...inheritedEnv(),
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      REDIS_URL: options.redisUrl,
      SLUICE_REDIS_PREFIX: options.prefix,
      ...whatIfEnv(),
    },
    /"msg":"worker started"/,
    'sluice start --role worker',
  );
}

/** The raw BullMQ baseline worker (raw-bullmq-worker.ts) as a process of its own. */
export function startRawWorker(options: {
  redisUrl: string;
  prefix: string;
  queues: readonly { name: string; mode: 'noop' | 'http' }[];
  concurrency: number;
  functionUrl: string;
}): Promise<BenchChild> {
  return startChild(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./raw-bullmq-worker.ts', import.meta.url))],
    {
      ...inheritedEnv(),
      BENCH_RAW_REDIS_URL: options.redisUrl,
      BENCH_RAW_PREFIX: options.prefix,
      BENCH_RAW_QUEUES: options.queues.map((q) => `${q.name}:${q.mode}`).join(','),
      BENCH_RAW_CONCURRENCY: String(options.concurrency),
      BENCH_RAW_FUNCTION_URL: options.functionUrl,
    },
    /raw bullmq worker ready/,
    'raw BullMQ worker',
  );
}

function nodeArgs(): string[] {
  const spec = process.env.BENCH_WORKER_NODE_ARGS?.trim() ?? '';
  return spec === '' ? [] : spec.split(/\s+/);
}

function inheritedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLUICE_') && !name.startsWith('AWS_')));
}
