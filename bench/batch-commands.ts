/**
 * Bench 9 (a diagnostic, no target of its own): the Redis commands ONE stream batch costs, by stage
 * (which script or connection sent them) and by name, with the stages Sluice's path is made of:
 *
 *   node --import tsx bench/batch-commands.ts      (after npm run build)
 *
 * Its own redis-server, `sluice start --role worker` as a process of its own (default settings), and
 * in the bench process the poller's side as the poller role wires it: its BullmqDispatcher on a
 * stream batch queue and QueueEvents, and after each outcome the checkpoint script
 * (checkpointLease-1.lua) on a lease hash of the bench's. BENCH_LANES (4) lanes each dispatch
 * BENCH_BATCHES (50) one-record batches one after another (one batch in flight per lane, as the
 * drain bench's 4 shards), after 10 untimed ones per lane. Redis MONITOR sees every command, those
 * inside scripts included (as INFO commandstats counts them, which drain.ts divides by its batches):
 * each is put under the script it ran in (named by its keys) or, outside scripts, under its
 * command. Background work (lock renewals, the stalled check, heartbeats) is counted too, as the
 * drain bench counts it, and shows up as the stages outside the per-batch scripts.
 *
 * Then the same lanes run through a sketch of the lane queue proposed in
 * docs/stream-batch-redis-commands.md (lib/lane-queue-sketch.ts: its happy path only, in this
 * process, with the same checkpoint script), measured the same way: what that design would cost.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  RedisFunctionStore,
  createRedis,
  createRedisKeys,
  createStreamBatchQueue,
  createStreamBatchQueueEvents,
  defineLuaScript,
  packStreamBatchJob,
  runLuaScript,
  streamBatchJobId,
} from '@sluice/shared';
import { BullmqDispatcher } from '@sluice/poller';
import { startBenchRedis } from './lib/redis-server.js';
import { startNoopFunction } from './lib/function.js';
import { noopFunctionDefinition, oneRecordBatchJob } from './lib/batch-job.js';
import { startSluiceWorker } from './lib/worker-process.js';
import { startLaneQueueSketch, type LaneQueueSketch } from './lib/lane-queue-sketch.js';
import { fixed, loadLine, printTable, stamp } from './lib/report.js';

const LANES = Number(process.env.BENCH_LANES ?? 4);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 50);
const WARMUP_BATCHES = 10;
/** The sketch's worker slots (one blocked BLMOVE each): twice the lanes, as a worker has slots to spare. */
const SKETCH_TAKERS = 2 * LANES;

/** A script's stage, told from its KEYS (MONITOR shows `evalsha <sha> <numkeys> <keys...>`). */
function scriptStage(args: readonly string[]): string {
  const numKeys = Number(args[2]);
  const firstKey = args[3] ?? '';
  if (numKeys === 9 && firstKey.endsWith(':wait')) return 'BullMQ add (addStandardJob)';
  if (numKeys === 11 && firstKey.endsWith(':wait')) return 'BullMQ worker fetch (moveToActive)';
  if (numKeys === 14 && firstKey.endsWith(':wait')) return 'BullMQ finish (moveToFinished, fetching the next job)';
  if (numKeys === 3 && firstKey.endsWith(':completed')) return 'BullMQ finished-check (isFinished)';
  if (numKeys === 1 && firstKey.includes(':bench-lease:')) return 'Sluice checkpoint (checkpointLease)';
  if (numKeys === 2 && firstKey.includes(':lane-sketch:job:')) return 'lane queue sketch: offer';
  if (numKeys === 3 && firstKey.includes(':lane-sketch:job:')) return 'lane queue sketch: finish';
  return `other script (${numKeys} keys, ${firstKey.replace(/^\{[^}]*\}:/, '')})`;
}

interface Tally {
  readonly byStage: Map<string, Map<string, number>>;
  total: number;
}

function count(tally: Tally, stage: string, command: string): void {
  let names = tally.byStage.get(stage);
  if (names === undefined) tally.byStage.set(stage, (names = new Map()));
  names.set(command, (names.get(command) ?? 0) + 1);
  tally.total += 1;
}

/** MONITOR: each script's commands follow its EVALSHA line (Redis runs a script to its end first). */
async function monitorCommands(url: string): Promise<{ tally: Tally; stop(): Promise<void> }> {
  const tally: Tally = { byStage: new Map(), total: 0 };
  const client = new Redis(url);
  const monitor = await client.monitor();
  let currentScript = 'other script';
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const command = (args[0] ?? '').toLowerCase();
    if (source === 'lua') return count(tally, currentScript, command);
    if (command === 'evalsha' || command === 'eval') currentScript = scriptStage(args);
    const stage = command === 'evalsha' || command === 'eval' ? currentScript : `outside scripts: ${command}`;
    count(tally, stage, command);
  });
  return {
    tally,
    async stop() {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

function printStages(title: string, tally: Tally, batches: number): void {
  const rows = [...tally.byStage.entries()]
    .map(([stage, names]) => {
      const sum = [...names.values()].reduce((a, b) => a + b, 0);
      const detail = [...names.entries()].sort((a, b) => b[1] - a[1]).map(([name, c]) => `${name} ${fixed(c / batches, 2)}`).join(', ');
      return { sum, row: [stage, fixed(sum / batches, 2), detail] };
    })
    .sort((a, b) => b.sum - a.sum)
    .map((x) => x.row);
  rows.push(['all', fixed(tally.total / batches, 2), '']);
  printTable(`Redis commands per stream batch, ${title} (${batches} batches over ${LANES} lanes)`, ['stage', 'per batch', 'by command (per batch)'], rows);
}

async function main(): Promise<void> {
  console.log(`[${stamp()}] batch commands: ${LANES} lanes x ${BATCHES} one-record batches, Sluice's worker on default settings; ${loadLine()}`);
  const redis = await startBenchRedis();
  const fn = await startNoopFunction(() => undefined);
  const run = randomBytes(3).toString('hex');
  const prefix = `bench-commands-${run}`;
  const keys = createRedisKeys(prefix);
  const storeRedis = createRedis(redis.url);
  const functionName = `bench-noop-${run}`;
  if (!(await new RedisFunctionStore(storeRedis, keys).create(noopFunctionDefinition(functionName, fn.url)))) throw new Error('function exists');
  const worker = await startSluiceWorker({ redisUrl: redis.url, prefix });
  const bullRedis = createRedis(redis.url, { forBullmq: true });
  const queue = createStreamBatchQueue(bullRedis, keys);
  const events = createStreamBatchQueueEvents(bullRedis, keys);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  const dispatcher = new BullmqDispatcher(queue, events);
  const leaseRedis = createRedis(redis.url);
  defineLuaScript(leaseRedis, 'checkpointLease-1.lua');
  const lifetime = new AbortController();
  let n = 0;
  /** One lane: `batches` batches one after another, each checkpointed after its outcome. */
  const lane = async (shard: number, batches: number, dispatch: (jobId: string, job: ReturnType<typeof oneRecordBatchJob>) => Promise<string>) => {
    const leaseKey = keys.key('bench-lease', String(shard));
    await leaseRedis.hset(leaseKey, 'owner', 'bench', 'token', 't');
    for (let i = 0; i < batches; i++) {
      n += 1;
      const job = oneRecordBatchJob({ mappingId: `bench-${run}`, functionName, shard, n });
      const lastSequenceNumber = await dispatch(streamBatchJobId(job), job);
      const code = await runLuaScript<number>(leaseRedis, 'checkpointLease', [leaseKey], ['bench', 't', lastSequenceNumber]);
      if (code !== 0) throw new Error(`checkpoint refused: ${code}`);
    }
  };
  const measure = async (title: string, dispatch: Parameters<typeof lane>[2]) => {
    const lanes = (batches: number) => Promise.all(Array.from({ length: LANES }, (_, shard) => lane(shard, batches, dispatch)));
    await lanes(WARMUP_BATCHES);
    const monitor = await monitorCommands(redis.url);
    await lanes(BATCHES);
    await monitor.stop();
    printStages(title, monitor.tally, LANES * BATCHES);
  };
  let sketch: LaneQueueSketch | undefined;
  try {
    await measure('Sluice (BullMQ)', async (_jobId, job) => (await dispatcher.dispatch(job, lifetime.signal)).lastSequenceNumber);
    // Started only now: its blocked takers' timeouts would count in the BullMQ run.
    sketch = await startLaneQueueSketch(() => createRedis(redis.url), keys, SKETCH_TAKERS);
    await measure('the lane queue sketch (docs/stream-batch-redis-commands.md; happy path only)', async (jobId, job) => {
      await sketch!.dispatch(jobId, JSON.stringify(packStreamBatchJob(job)));
      return job.lastSequenceNumber;
    });
  } finally {
    lifetime.abort();
    await sketch?.stop();
    await Promise.allSettled([queue.close(), events.close()]);
    await worker.stop();
    for (const client of [bullRedis, storeRedis, leaseRedis]) client.disconnect();
    await fn.close();
    await redis.stop();
  }
  console.log(`[${stamp()}] done; ${loadLine()}`);
}

await main();
