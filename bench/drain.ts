/**
 * Bench 1: end-to-end drain of a pre-filled 4-shard stream to a no-op HTTP function, against the
 * emulator's own raw GetRecords drain of the same stream, measured in the same run.
 *
 *   node --import tsx bench/drain.ts      (after npm run build)
 *
 * The stream is pre-filled once. BENCH_WARMUPS (5) untimed rounds warm both JITs up: kinesis-local's
 * raw drain takes 810 ms the first time and 490-580 ms after ten, and Sluice's first 10,000 records
 * cost it about twice the CPU of later ones; both sides are timed warm. Then each of BENCH_ROUNDS (7)
 * rounds drains it raw and then through Sluice, with a new mapping reading from TRIM_HORIZON
 * (deleted after its round). The baseline is the raw loop at the GetRecords Limit kinesis-local
 * drains fastest with (BENCH_RAW_LIMIT, 1000: 15-30% faster than the Kinesis maximum of 10,000,
 * whose emulator cost per record grows with the records returned); the loop at Limit 10,000 runs
 * too, as a reference. Sluice runs on its default settings. BENCH_SHARDS (4),
 * BENCH_RECORDS_PER_SHARD (2500), BENCH_BATCH_SIZE (100) change the shape. kinesis-local runs on a
 * core of its own (lib/pin.ts), in the raw and the Sluice runs alike, so that Sluice's own CPU does
 * not slow the emulator the baseline measures; BENCH_PIN=0 shares every core instead;
 * BENCH_SLUICE_TOPOLOGY=split runs Sluice as api + poller + worker processes (Sluice CPU is their
 * sum); BENCH_KINESIS_PROXY=1 routes Sluice's Kinesis calls through a counting proxy (a diagnostic:
 * it adds a hop Sluice's reads pay and the raw loop does not); BENCH_REDIS_COMMANDS=1 prints the
 * Redis commands of each Sluice drain by name. BENCH_REDIS=cluster runs a second Sluice on a local
 * 3-master Redis Cluster (startLocalRedisCluster, REDIS_URL redis+cluster://...) beside the one on
 * single Redis, and each round drains through both, single first: Redis Cluster against single
 * Redis in the same run (Redis CPU and commands summed over the masters).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startLocalRedisCluster, type LocalRedisCluster } from '@sluice/localstack';
import { startBenchStack } from './lib/stack.js';
import { pinningLine, pinningWanted } from './lib/pin.js';
import { createStream, kinesisClient, prefill, rawDrain, type BenchStream } from './lib/kinesis.js';
import { recordsOf, startRecordingFunction, type ReceivedInvocation } from './lib/function.js';
import { settingsLine, sluiceTopology, startSluice, type BenchSluice } from './lib/sluice.js';
import { diffCounts, startAwsCallProxy, type CallCounts, type AwsCallProxy } from './lib/aws-call-proxy.js';
import { waitUntilQuiet } from './lib/quiet.js';
import { diffStats, redisCpuSecondsOf, redisStatsOf } from './lib/redis-stats.js';
import { jobTimings, readFinishedJobs, type JobTimings } from './lib/jobs.js';
import { fixed, loadLine, percentile, printTable, processCpuSeconds, stamp } from './lib/report.js';

const SHARDS = Number(process.env.BENCH_SHARDS ?? 4);
const PER_SHARD = Number(process.env.BENCH_RECORDS_PER_SHARD ?? 2500);
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Untimed raw + Sluice drains before the rounds (BENCH_WARMUPS). */
const WARMUPS = Number(process.env.BENCH_WARMUPS ?? 5);
/**
 * The baseline's GetRecords Limit: kinesis-local drains fastest with reads of 500-1,000 records
 * (4 x 2,500 records, 2026-12-04: Limit 100 1,090-1,290 ms, 500 490-850, 1,000 545-690, 2,500 and
 * 10,000 750-890), so the baseline is the emulator at its best, not at the Kinesis maximum.
 */
const RAW_LIMIT = Number(process.env.BENCH_RAW_LIMIT ?? 1000);
/** The reference loop's Limit: the Kinesis maximum, the simplest consumer (the baseline before 2026-12-04). */
const MAX_LIMIT = 10_000;
/**
 * The polite reference: Limit 10,000 and at most this many GetRecords a second per shard, the share
 * of Kinesis's 5 that Sluice takes by default (SLUICE_SHARD_READS_PER_SECOND): a raw consumer that
 * keeps the limits Sluice keeps. The baseline loop (Limit 1,000, unpaced) reads about 7 times a second.
 */
const PACED_READS_PER_SECOND = Number(process.env.BENCH_RAW_READS_PER_SECOND ?? 2.5);
const TARGET = 0.8;
const PAD = 'x'.repeat(100);
const DRAIN_TIMEOUT_MS = 120_000;
/** BENCH_REDIS=cluster: each round drains through a Sluice on a local 3-master Redis Cluster too. */
const WITH_CLUSTER = process.env.BENCH_REDIS === 'cluster';

/** One Sluice and the Redis it keeps its state in: a single server, or a cluster's masters. */
interface RedisSide {
  readonly label: string;
  readonly redisUrl: string;
  /** Direct connections to every server (one, or each master), for INFO. */
  readonly servers: readonly Redis[];
  readonly sluice: BenchSluice;
}

/** What one Sluice drain measured. */
type Drained = Omit<Round, 'rawMs' | 'maxLimitMs' | 'pacedMs' | 'rawKinesisCpuS' | 'cluster'>;

interface Round {
  readonly rawMs: number;
  readonly maxLimitMs: number;
  /** The Limit-10,000 loop paced to PACED_READS_PER_SECOND per shard. */
  readonly pacedMs: number;
  readonly rawKinesisCpuS: number;
  readonly sluiceMs: number;
  readonly firstMs: number;
  readonly invocations: number;
  readonly duplicates: number;
  readonly sluiceCpuS: number;
  readonly kinesisCpuS: number;
  /** redis-server's CPU and commands, and the bench process's CPU (the function: it only counts records), during Sluice's drain. */
  readonly redisCpuS: number;
  readonly redisCommands: number;
  /** By command (commands inside Lua scripts included), printed with BENCH_REDIS_COMMANDS=1. */
  readonly redisCalls: Record<string, number>;
  readonly functionCpuS: number;
  readonly jobs: JobTimings;
  readonly calls: CallCounts | undefined;
  /** The same drain through the Sluice on Redis Cluster (BENCH_REDIS=cluster), after the single-Redis one. */
  readonly cluster?: Drained;
}

/** What the function received during the round in progress: kept as it came, parsed after the run. */
interface RoundState {
  readonly invocations: ReceivedInvocation[];
  /** Records received so far, duplicates included (counted, not parsed). */
  counted: number;
  wake: () => void;
}

const rate = (records: number, ms: number) => records / (ms / 1000);

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const total = SHARDS * PER_SHARD;
  const pinned = pinningWanted(true);
  console.log(`[${stamp()}] drain bench: ${SHARDS} shards x ${PER_SHARD} records, BatchSize ${BATCH_SIZE}, ${ROUNDS} rounds, ${settingsLine()}, topology ${sluiceTopology()}, Redis ${WITH_CLUSTER ? 'single and 3-master cluster' : 'single'}, ${pinningLine(pinned)}; ${loadLine()}`);
  const stack = await startBenchStack({ pinned });
  const kinesis = kinesisClient(stack.kinesisEndpoint);
  let round: RoundState | undefined;
  // The function only counts what arrives; records are decoded after the timed run, so the bench's
  // bookkeeping does not take CPU from Sluice, Redis and kinesis-local while they work.
  const fn = await startRecordingFunction((invocation) => {
    if (round === undefined) return;
    round.invocations.push(invocation);
    round.counted += invocation.records;
    round.wake();
  });
  const prefix = `bench-drain-${run}`;
  const proxy: AwsCallProxy | undefined = process.env.BENCH_KINESIS_PROXY === '1' ? await startAwsCallProxy(stack.kinesisEndpoint) : undefined;
  const stats = new Redis(stack.redisUrl);
  const sluice = await startSluice({ redisUrl: stack.redisUrl, kinesisEndpoint: proxy?.endpoint ?? stack.kinesisEndpoint, prefix });
  const single: RedisSide = { label: 'single Redis', redisUrl: stack.redisUrl, servers: [stats], sluice };
  let cluster: LocalRedisCluster | undefined;
  let clustered: RedisSide | undefined;
  if (WITH_CLUSTER) {
    cluster = await startLocalRedisCluster();
    const clusterSluice = await startSluice({ redisUrl: cluster.url, kinesisEndpoint: proxy?.endpoint ?? stack.kinesisEndpoint, prefix });
    clustered = { label: 'Redis Cluster (3 masters)', redisUrl: cluster.url, servers: cluster.nodeUrls.map((url) => new Redis(url)), sluice: clusterSluice };
  }
  const sides = clustered === undefined ? [single] : [single, clustered];
  const sluicePids = () => sides.flatMap((side) => side.sluice.pids);
  const functionName = `bench-noop-${run}`;

  /** One Sluice drain: a new mapping from TRIM_HORIZON, timed from the create until the function saw every record; deleted after. */
  async function sluiceDrain(stream: BenchStream, side: RedisSide = single): Promise<Drained> {
    const { sluice, servers } = side;
    const invocationsBefore = fn.invocations();
    const state: RoundState = { invocations: [], counted: 0, wake: () => undefined };
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    /** Resolves once `enough` holds, checked at each invocation. */
    const until = (enough: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Sluice delivered ${state.counted} of ${total} records within ${DRAIN_TIMEOUT_MS} ms`)), Math.max(0, deadline - performance.now()));
        state.wake = () => {
          if (!enough()) return;
          clearTimeout(timer);
          resolve();
        };
        state.wake();
      });
    round = state;
    await waitUntilQuiet([stack.kinesisPid, ...sluicePids()]);
    const callsBefore = proxy?.counts();
    const cpuBefore = [sluice.cpuSeconds(), processCpuSeconds(stack.kinesisPid), await redisCpuSecondsOf(servers), process.cpuUsage()] as const;
    const statsBefore = await redisStatsOf(servers);
    const createdAt = performance.now();
    const uuid = await sluice.createMapping({ FunctionName: functionName, EventSourceArn: stream.arn, StartingPosition: 'TRIM_HORIZON', BatchSize: BATCH_SIZE });
    await until(() => state.counted >= total);
    const commands = diffStats(await redisStatsOf(servers), statsBefore, servers.length);
    const cpuAfter = [sluice.cpuSeconds(), processCpuSeconds(stack.kinesisPid), await redisCpuSecondsOf(servers), process.cpuUsage(cpuBefore[3])] as const;
    // Now what arrived is read: the run ended with the invocation that brought the last new record
    // (with duplicates among the counted records, the wait goes on until every record was seen).
    const seen = new Set<number>();
    let duplicates = 0;
    let last = 0;
    let parsed = 0;
    const settle = () => {
      for (; parsed < state.invocations.length; parsed += 1) {
        const invocation = state.invocations[parsed]!;
        for (const { payload } of recordsOf(invocation)) {
          if (seen.has(payload.n)) duplicates += 1;
          else if (seen.add(payload.n).size === total) last = invocation.receivedAt;
        }
      }
      return seen.size === total;
    };
    await until(settle);
    round = undefined;
    const result = {
      sluiceMs: last - createdAt,
      firstMs: state.invocations[0]!.receivedAt - createdAt,
      invocations: fn.invocations() - invocationsBefore,
      duplicates,
      sluiceCpuS: cpuAfter[0] - cpuBefore[0],
      kinesisCpuS: cpuAfter[1] - cpuBefore[1],
      redisCpuS: cpuAfter[2] - cpuBefore[2],
      redisCommands: commands.totalCommands,
      redisCalls: commands.calls,
      functionCpuS: (cpuAfter[3].user + cpuAfter[3].system) / 1e6,
      jobs: jobTimings(await readFinishedJobs(side.redisUrl, prefix, uuid)),
      calls: proxy === undefined ? undefined : diffCounts(proxy.counts(), callsBefore!),
    };
    await sluice.deleteMapping(uuid);
    return result;
  }

  try {
    for (const side of sides) await side.sluice.registerFunction(functionName, fn.url);
    const stream = await createStream(kinesis, `bench-drain-${run}`, SHARDS);
    const putStarted = performance.now();
    const counts = await prefill(kinesis, stream, PER_SHARD, PAD);
    const putMs = performance.now() - putStarted;
    console.log(`[${stamp()}] pre-filled ${total} records in ${fixed(putMs / 1000, 1)} s (${fixed(rate(total, putMs))} records/s put)`);
    // Both sides' JITs warm up over several drains (kinesis-local's raw drain alone: 810 ms the first
    // time, 490-580 ms after ten); untimed, raw and Sluice in turn as in the rounds.
    for (let w = 1; w <= WARMUPS; w += 1) {
      await waitUntilQuiet([stack.kinesisPid, ...sluicePids()]);
      const raw = await rawDrain(kinesis, stream, counts, RAW_LIMIT);
      for (const side of sides) {
        const drained = await sluiceDrain(stream, side);
        console.log(`[${stamp()}] warm-up ${w} (not counted): raw ${fixed(raw.ms)} ms, Sluice on ${side.label} ${fixed(drained.sluiceMs)} ms (first invocation after ${fixed(drained.firstMs)} ms), Sluice CPU ${fixed(drained.sluiceCpuS, 2)} s`);
      }
    }

    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r += 1) {
      // Each timed run starts with kinesis-local and Sluice idle: neither pays for the run before it.
      await waitUntilQuiet([stack.kinesisPid, ...sluicePids()]);
      const rawCpuBefore = processCpuSeconds(stack.kinesisPid);
      const raw = await rawDrain(kinesis, stream, counts, RAW_LIMIT);
      const rawKinesisCpuS = processCpuSeconds(stack.kinesisPid) - rawCpuBefore;
      await waitUntilQuiet([stack.kinesisPid, ...sluicePids()]);
      const maxLimit = await rawDrain(kinesis, stream, counts, MAX_LIMIT);
      await waitUntilQuiet([stack.kinesisPid, ...sluicePids()]);
      const paced = await rawDrain(kinesis, stream, counts, MAX_LIMIT, PACED_READS_PER_SECOND);
      const drained = await sluiceDrain(stream);
      const onCluster = clustered === undefined ? undefined : await sluiceDrain(stream, clustered);
      const result: Round = { rawMs: raw.ms, maxLimitMs: maxLimit.ms, pacedMs: paced.ms, rawKinesisCpuS, ...drained, ...(onCluster === undefined ? {} : { cluster: onCluster }) };
      rounds.push(result);
      console.log(
        `[${stamp()}] round ${r}: raw ${fixed(raw.ms)} ms (Limit ${MAX_LIMIT}: ${fixed(maxLimit.ms)} ms), Sluice ${fixed(result.sluiceMs)} ms (first invocation after ${fixed(result.firstMs)} ms), ratio ${fixed(rate(total, result.sluiceMs) / rate(total, raw.ms), 2)}${
          onCluster === undefined ? '' : `; on Redis Cluster ${fixed(onCluster.sluiceMs)} ms, ratio ${fixed(rate(total, onCluster.sluiceMs) / rate(total, raw.ms), 2)}`
        }`,
      );
      if (result.calls !== undefined) console.log(`  Sluice's Kinesis calls during the drain: ${JSON.stringify(result.calls.byOperation)}, empty GetRecords ${result.calls.emptyGetRecords}`);
      if (process.env.BENCH_REDIS_COMMANDS === '1') console.log(`  Redis commands during the drain: ${JSON.stringify(result.redisCalls)}`);
    }

    const rows = rounds.flatMap((x, i) => {
      const ratio = rate(total, x.sluiceMs) / rate(total, x.rawMs);
      const steady = x.sluiceMs - x.firstMs;
      return [
        [`${i + 1}`, `raw GetRecords loop, Limit ${RAW_LIMIT} (baseline)`, fixed(x.rawMs), fixed(rate(total, x.rawMs)), '1.00'],
        [`${i + 1}`, `raw GetRecords loop, Limit ${MAX_LIMIT} (reference)`, fixed(x.maxLimitMs), fixed(rate(total, x.maxLimitMs)), fixed(x.rawMs / x.maxLimitMs, 2)],
        [`${i + 1}`, `raw GetRecords loop, Limit ${MAX_LIMIT}, ${PACED_READS_PER_SECOND} reads/s per shard (reference)`, fixed(x.pacedMs), fixed(rate(total, x.pacedMs)), fixed(x.rawMs / x.pacedMs, 2)],
        [`${i + 1}`, 'Sluice: mapping created -> every record seen', fixed(x.sluiceMs), fixed(rate(total, x.sluiceMs)), fixed(ratio, 2)],
        [`${i + 1}`, '  of which created -> first invocation', fixed(x.firstMs), '', ''],
        [`${i + 1}`, '  of which first -> last invocation', fixed(steady), fixed(rate(total, steady)), fixed(rate(total, steady) / rate(total, x.rawMs), 2)],
        ...(x.cluster === undefined
          ? []
          : [[`${i + 1}`, `Sluice on Redis Cluster (3 masters): created -> every record seen (ratio to Sluice on single Redis ${fixed(x.sluiceMs / x.cluster.sluiceMs, 2)})`, fixed(x.cluster.sluiceMs), fixed(rate(total, x.cluster.sluiceMs)), fixed(rate(total, x.cluster.sluiceMs) / rate(total, x.rawMs), 2)]]),
      ];
    });
    printTable(
      `Drain of ${total} records (${SHARDS} shards x ${PER_SHARD}, ${PAD.length + 20} B each) on kinesis-local; raw Limit ${RAW_LIMIT}, Sluice BatchSize ${BATCH_SIZE}`,
      ['round', 'run', 'time (ms)', 'records/s', 'ratio to raw'],
      rows,
    );
    printTable(
      'Where a Sluice batch spends its time (ms, from the BullMQ job hashes; p50 / p95 / mean over all batches of the round)',
      ['round', 'batches', 'cut -> added', 'added -> worker start', 'worker start -> finish', 'finish -> next cut (same shard)', 'Sluice CPU', 'kinesis-local CPU', 'Redis CPU (commands per batch)', 'bench (function) CPU'],
      rounds
        .flatMap((round, i): [string, Drained, Round][] => (round.cluster === undefined ? [[`${i + 1}`, round, round]] : [[`${i + 1} single`, round, round], [`${i + 1} cluster`, round.cluster, round]]))
        .map(([label, x, round]) => [
        label,
        `${x.jobs.batches} (${x.invocations} invocations, ${x.duplicates} dup)`,
        `${fixed(x.jobs.add.p50)} / ${fixed(x.jobs.add.p95)} / ${fixed(x.jobs.add.mean)}`,
        `${fixed(x.jobs.queued.p50)} / ${fixed(x.jobs.queued.p95)} / ${fixed(x.jobs.queued.mean)}`,
        `${fixed(x.jobs.processing.p50)} / ${fixed(x.jobs.processing.p95)} / ${fixed(x.jobs.processing.mean)}`,
        `${fixed(x.jobs.turnaround.p50)} / ${fixed(x.jobs.turnaround.p95)} / ${fixed(x.jobs.turnaround.mean)}`,
        `${fixed(x.sluiceCpuS, 2)} s`,
        `${fixed(x.kinesisCpuS, 2)} s (raw drain: ${fixed(round.rawKinesisCpuS, 2)} s)`,
        `${fixed(x.redisCpuS, 2)} s (${fixed(x.redisCommands / Math.max(1, x.jobs.batches), 1)})`,
        `${fixed(x.functionCpuS, 2)} s`,
      ]),
    );
    const ratios = rounds.map((x) => rate(total, x.sluiceMs) / rate(total, x.rawMs)).sort((a, b) => a - b);
    const median = percentile(ratios, 50);
    const againstMax = rounds.map((x) => x.maxLimitMs / x.sluiceMs).sort((a, b) => a - b);
    console.log(`target: Sluice >= ${TARGET} of raw -> ${median >= TARGET ? 'MET' : 'MISSED'} (${pinned ? 'kinesis-local on a core of its own' : 'kinesis-local sharing every core'}; median of ${ROUNDS} rounds ${fixed(median, 2)}; rounds ${rounds.map((x) => fixed(rate(total, x.sluiceMs) / rate(total, x.rawMs), 2)).join(', ')})`);
    if (clustered !== undefined) {
      const clusterRatios = rounds.map((x) => x.sluiceMs / x.cluster!.sluiceMs).sort((a, b) => a - b);
      const perBatch = (d: Drained) => d.redisCommands / Math.max(1, d.jobs.batches);
      console.log(
        `Redis Cluster against single Redis (drain rate, same run): median ${fixed(percentile(clusterRatios, 50), 2)} (rounds ${rounds.map((x) => fixed(x.sluiceMs / x.cluster!.sluiceMs, 2)).join(', ')}); Redis commands per batch ${rounds.map((x) => `${fixed(perBatch(x), 1)} vs ${fixed(perBatch(x.cluster!), 1)}`).join(', ')}`,
      );
    }
    console.log(`against the Limit ${MAX_LIMIT} loop (the baseline before 2026-12-04): median ${fixed(percentile(againstMax, 50), 2)}`);
    const againstPaced = rounds.map((x) => x.pacedMs / x.sluiceMs).sort((a, b) => a - b);
    console.log(`against the Limit ${MAX_LIMIT} loop paced to ${PACED_READS_PER_SECOND} reads/s per shard (Sluice's default share of Kinesis's 5): median ${fixed(percentile(againstPaced, 50), 2)}`);
    console.log(`[${stamp()}] done; ${loadLine()}`);
  } finally {
    kinesis.destroy();
    stats.disconnect();
    await sluice.stop();
    if (clustered !== undefined) {
      for (const server of clustered.servers) server.disconnect();
      await clustered.sluice.stop();
    }
    await cluster?.stop();
    await fn.close();
    await proxy?.close();
    await stack.stop();
  }
}

await main();
