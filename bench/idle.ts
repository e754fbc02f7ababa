/**
 * Bench 3: what idle shards cost. Sluice runs on its default settings against a private
 * redis-server and kinesis-local; its Kinesis calls go through a counting pass-through proxy.
 * Over BENCH_IDLE_SECONDS (30 s) it measures the Sluice process's CPU (/proc/<pid>/stat utime +
 * stime), Redis commands (INFO stats total_commands_processed, by command from INFO commandstats),
 * Kinesis calls and kinesis-local's CPU: first with no mappings (the baseline), then with
 * BENCH_STREAMS (4) streams x BENCH_SHARDS (4) shards mapped to a function and nothing written.
 *
 *   node --import tsx bench/idle.ts       (after npm run build)
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startBenchStack } from './lib/stack.js';
import { pinningLine, pinningWanted } from './lib/pin.js';
import { createStream, kinesisClient } from './lib/kinesis.js';
import { startNoopFunction } from './lib/function.js';
import { settingsLine, startSluice } from './lib/sluice.js';
import { diffCounts, startAwsCallProxy, type CallCounts, type AwsCallProxy } from './lib/aws-call-proxy.js';
import { diffStats, redisStats, type RedisStats } from './lib/redis-stats.js';
import { fixed, loadLine, printTable, processCpuSeconds, sleep, stamp } from './lib/report.js';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 4);
const SHARDS = Number(process.env.BENCH_SHARDS ?? 4);
const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
/** Let start-up work (first lease rounds, pollers backing off to their longest wait) pass first. */
const SETTLE_MS = 5_000;

interface Window {
  readonly seconds: number;
  readonly sluiceCpuS: number;
  readonly kinesisCpuS: number;
  readonly redis: RedisStats;
  readonly kinesis: CallCounts;
}

async function measure(sluiceCpu: () => number, kinesisPid: number, redis: Redis, proxy: AwsCallProxy): Promise<Window> {
  const started = performance.now();
  const before = { cpu: sluiceCpu(), kinesisCpu: processCpuSeconds(kinesisPid), redis: await redisStats(redis), calls: proxy.counts() };
  await sleep(SECONDS * 1000);
  const after = { cpu: sluiceCpu(), kinesisCpu: processCpuSeconds(kinesisPid), redis: await redisStats(redis), calls: proxy.counts() };
  return {
    seconds: (performance.now() - started) / 1000,
    sluiceCpuS: after.cpu - before.cpu,
    kinesisCpuS: after.kinesisCpu - before.kinesisCpu,
    redis: diffStats(after.redis, before.redis),
    kinesis: diffCounts(after.calls, before.calls),
  };
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

function topCommands(w: Window, count = 6): string {
  return Object.entries(w.redis.calls)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, n]) => `${name} ${fixed(n / w.seconds, 2)}/s`)
    .join(', ');
}

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const shards = STREAMS * SHARDS;
  const pinned = pinningWanted(false);
  console.log(`[${stamp()}] idle bench: ${STREAMS} streams x ${SHARDS} shards = ${shards} idle shards, ${SECONDS} s windows, ${settingsLine()}, ${pinningLine(pinned)}; ${loadLine()}`);
  const stack = await startBenchStack({ pinned });
  const redis = new Redis(stack.redisUrl);
  redis.on('error', () => undefined); // INFO calls fail loudly enough; no reconnect noise at shutdown
  const kinesis = kinesisClient(stack.kinesisEndpoint);
  const proxy = await startAwsCallProxy(stack.kinesisEndpoint);
  const fn = await startNoopFunction(() => undefined);
  const sluice = await startSluice({ redisUrl: stack.redisUrl, kinesisEndpoint: proxy.endpoint, prefix: `bench-idle-${run}` });
  try {
    await sleep(SETTLE_MS);
    const baseline = await measure(() => sluice.cpuSeconds(), stack.kinesisPid, redis, proxy);
    console.log(`[${stamp()}] baseline (no mappings): Sluice CPU ${fixed(baseline.sluiceCpuS, 2)} s, Redis ${baseline.redis.totalCommands} commands in ${fixed(baseline.seconds, 1)} s`);

    const functionName = `bench-idle-${run}`;
    await sluice.registerFunction(functionName, fn.url);
    const uuids: string[] = [];
    for (let s = 0; s < STREAMS; s += 1) {
      const stream = await createStream(kinesis, `bench-idle-${run}-${s}`, SHARDS);
      uuids.push(await sluice.createMapping({ FunctionName: functionName, EventSourceArn: stream.arn, StartingPosition: 'LATEST' }));
    }
    for (const uuid of uuids) await sluice.waitForLeases(uuid, SHARDS);
    for (const uuid of uuids) await sluice.waitForState(uuid, 'Enabled');
    await sleep(SETTLE_MS);
    const idle = await measure(() => sluice.cpuSeconds(), stack.kinesisPid, redis, proxy);
    console.log(`[${stamp()}] ${shards} idle shards: Sluice CPU ${fixed(idle.sluiceCpuS, 2)} s, Redis ${idle.redis.totalCommands} commands in ${fixed(idle.seconds, 1)} s`);
    if (fn.invocations() > 0) console.log(`warning: the function was invoked ${fn.invocations()} times; the shards were not idle`);

    const perSecond = (w: Window, value: number) => value / w.seconds;
    const line = (name: string, unit: string, value: (w: Window) => number, digits: number) => {
      const a = perSecond(baseline, value(baseline));
      const b = perSecond(idle, value(idle));
      return [name, unit, fixed(a, digits), fixed(b, digits), fixed(b - a, digits), fixed((b - a) / shards, digits + 1)];
    };
    printTable(
      `Idle cost: Sluice with no mappings vs ${shards} idle shards (${STREAMS} mappings x ${SHARDS} shards), per second over ${SECONDS} s each`,
      ['measure', 'unit', 'no mappings', `${shards} idle shards`, 'difference', 'per idle shard'],
      [
        line('Sluice process CPU (utime+stime)', 'ms CPU/s', (w) => w.sluiceCpuS * 1000, 1),
        line('Redis commands (total_commands_processed)', 'commands/s', (w) => w.redis.totalCommands, 1),
        line('Kinesis GetRecords calls', 'calls/s', (w) => w.kinesis.byOperation.GetRecords ?? 0, 1),
        line('Kinesis calls of other kinds', 'calls/s', (w) => sum(w.kinesis.byOperation) - (w.kinesis.byOperation.GetRecords ?? 0), 2),
        line('kinesis-local CPU', 'ms CPU/s', (w) => w.kinesisCpuS * 1000, 1),
      ],
    );
    console.log(`Redis, no mappings:    ${topCommands(baseline)}`);
    console.log(`Redis, ${shards} idle shards: ${topCommands(idle)}`);
    console.log(`Kinesis, ${shards} idle shards: ${Object.entries(idle.kinesis.byOperation).map(([op, n]) => `${op} ${fixed(n / idle.seconds, 2)}/s`).join(', ')}`);
    console.log('(1 ms CPU/s = 0.1% of one core. AWS allows 5 GetRecords/s per shard, shared by every consumer of the shard; Lambda polls an idle shard about once a second.)');
    console.log(`[${stamp()}] done; ${loadLine()}`);
  } finally {
    kinesis.destroy();
    await sluice.stop();
    redis.disconnect();
    await fn.close();
    await proxy.close();
    await stack.stop();
  }
}

await main();
