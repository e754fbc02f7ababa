/**
 * Bench 2: put-to-invocation latency at a steady rate, Sluice on its DEFAULT settings (no poll
 * interval tuning): records are put at BENCH_RATE (50/s) for BENCH_SECONDS (20 s), round-robin over
 * 4 shards in 10 PutRecords calls a second, each record carrying the time its put was sent; the
 * no-op function notes when each invocation arrives. Both clocks are the bench process's own
 * performance.now().
 *
 *   node --import tsx bench/latency.ts    (after npm run build)
 *
 * First, before the mapping exists, a 5 s put-only phase at the same rate measures the emulator's
 * own PutRecords round trip with nothing reading (kinesis-local is one Node.js thread: reads slow its
 * puts). Then a 3 s warm-up with the mapping, not counted, then the measured window. The mapping
 * uses Lambda's defaults (BatchSize 100, no batching window). BENCH_KINESIS_PROXY=1 counts Sluice's
 * Kinesis calls through a pass-through proxy (a diagnostic: it adds a hop to Sluice's reads).
 */
import { randomBytes } from 'node:crypto';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { startBenchStack } from './lib/stack.js';
import { pinningLine, pinningWanted } from './lib/pin.js';
import { createStream, encodePayload, kinesisClient, type BenchStream } from './lib/kinesis.js';
import { startNoopFunction } from './lib/function.js';
import { settingsLine, startSluice } from './lib/sluice.js';
import { diffCounts, startAwsCallProxy, type AwsCallProxy } from './lib/aws-call-proxy.js';
import { readFinishedJobs, summarize, type Summary } from './lib/jobs.js';
import { fixed, loadLine, printTable, sleep, stamp } from './lib/report.js';
import type { KinesisClient } from '@aws-sdk/client-kinesis';

const SHARDS = Number(process.env.BENCH_SHARDS ?? 4);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_SECONDS = 3;
const PUT_ONLY_SECONDS = 5;
const PUT_CALLS_PER_SECOND = 10;
const TARGET_P50_MS = 100;
const TARGET_P99_MS = 500;

interface Put {
  readonly sentAt: number;
  ackedAt?: number;
  receivedAt?: number;
  /** approximateArrivalTimestamp as the function got it, epoch ms. */
  arrivalMs?: number;
}

/**
 * Puts `count` records numbered from `first` at `rate`/s in PUT_CALLS_PER_SECOND PutRecords calls a
 * second, paced on absolute times (no drift). Batched because kinesis-local's request budget is
 * small (~78 calls/s on the team's machines): 50 PutRecord calls a second alone would saturate it.
 */
async function produce(kinesis: KinesisClient, stream: BenchStream, first: number, count: number, rate: number, puts: Map<number, Put>): Promise<void> {
  const started = performance.now();
  const perCall = Math.max(1, Math.round(rate / PUT_CALLS_PER_SECOND));
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += perCall) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sentAt = performance.now();
    const numbers = Array.from({ length: Math.min(perCall, count - i) }, (_, j) => first + i + j);
    const sent = numbers.map((n) => {
      const put: Put = { sentAt };
      puts.set(n, put);
      return put;
    });
    inFlight.push(
      kinesis
        .send(
          new PutRecordsCommand({
            StreamName: stream.name,
            Records: numbers.map((n) => ({
              PartitionKey: `k${n}`,
              ExplicitHashKey: stream.shards[n % stream.shards.length]!.hashKey,
              Data: encodePayload({ n, t: sentAt }),
            })),
          }),
        )
        .then((out) => {
          if ((out.FailedRecordCount ?? 0) > 0) throw new Error(`PutRecords failed for ${out.FailedRecordCount} records`);
          const ackedAt = performance.now();
          for (const put of sent) put.ackedAt = ackedAt;
        }),
    );
  }
  await Promise.all(inFlight);
}

const row = (name: string, s: Summary): string[] => [name, fixed(s.p50), fixed(s.p95), fixed(s.p99), fixed(s.max), fixed(s.mean)];

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const pinned = pinningWanted(false);
  console.log(`[${stamp()}] latency bench: ${RATE} records/s for ${SECONDS} s over ${SHARDS} shards, ${settingsLine()}, ${pinningLine(pinned)}; ${loadLine()}`);
  const stack = await startBenchStack({ pinned });
  const kinesis = kinesisClient(stack.kinesisEndpoint);
  const puts = new Map<number, Put>();
  let invocationsInWindow = 0;
  const fn = await startNoopFunction(({ payload, receivedAt, arrivalMs }) => {
    const put = puts.get(payload.n);
    if (put !== undefined && put.receivedAt === undefined) {
      put.receivedAt = receivedAt;
      put.arrivalMs = arrivalMs;
    }
  });
  const prefix = `bench-latency-${run}`;
  const proxy: AwsCallProxy | undefined = process.env.BENCH_KINESIS_PROXY === '1' ? await startAwsCallProxy(stack.kinesisEndpoint) : undefined;
  const sluice = await startSluice({ redisUrl: stack.redisUrl, kinesisEndpoint: proxy?.endpoint ?? stack.kinesisEndpoint, prefix });
  try {
    const functionName = `bench-noop-${run}`;
    await sluice.registerFunction(functionName, fn.url);
    const stream = await createStream(kinesis, `bench-latency-${run}`, SHARDS);
    // The put-only baseline goes to a stream of its own, so the measured stream starts empty.
    const putOnlyStream = await createStream(kinesis, `bench-latency-puts-${run}`, SHARDS);
    const putOnly = new Map<number, Put>();
    await produce(kinesis, putOnlyStream, 0, WARMUP_SECONDS * RATE, RATE, new Map());
    await produce(kinesis, putOnlyStream, 0, PUT_ONLY_SECONDS * RATE, RATE, putOnly);
    const putOnlyTime = summarize([...putOnly.values()].map((p) => p.ackedAt! - p.sentAt));
    const uuid = await sluice.createMapping({ FunctionName: functionName, EventSourceArn: stream.arn, StartingPosition: 'TRIM_HORIZON' });
    await sluice.waitForState(uuid, 'Enabled');
    await sluice.waitForLeases(uuid, SHARDS);

    const warmup = WARMUP_SECONDS * RATE;
    await produce(kinesis, stream, 0, warmup, RATE, puts);
    const measured = SECONDS * RATE;
    const invocationsBefore = fn.invocations();
    const callsBefore = proxy?.counts();
    const windowStarted = performance.now();
    await produce(kinesis, stream, warmup, measured, RATE, puts);
    const calls = proxy === undefined ? undefined : diffCounts(proxy.counts(), callsBefore!);
    const windowSeconds = (performance.now() - windowStarted) / 1000;
    const deadline = performance.now() + 15_000;
    const window = [...puts].filter(([n]) => n >= warmup);
    while (window.some(([, p]) => p.receivedAt === undefined) && performance.now() < deadline) await sleep(50);
    invocationsInWindow = fn.invocations() - invocationsBefore;

    const delivered = window.filter(([, p]) => p.receivedAt !== undefined);
    const fromSend = summarize(delivered.map(([, p]) => p.receivedAt! - p.sentAt));
    const fromAck = summarize(delivered.map(([, p]) => p.receivedAt! - p.ackedAt!));
    const epoch = (t: number) => performance.timeOrigin + t;
    const fromArrival = summarize(delivered.map(([, p]) => epoch(p.receivedAt!) - p.arrivalMs!));
    const sentToArrival = summarize(delivered.map(([, p]) => p.arrivalMs! - epoch(p.sentAt)));
    const putTime = summarize(window.map(([, p]) => p.ackedAt! - p.sentAt));

    // Where the time went, per record, from the jobs Sluice left in Redis (its clocks are epoch ms).
    const jobs = await readFinishedJobs(stack.redisUrl, prefix, uuid);
    const toCut: number[] = [];
    const arrivalToCut: number[] = [];
    const cutToStart: number[] = [];
    const startToFunction: number[] = [];
    for (const job of jobs) {
      for (const n of job.numbers) {
        const put = puts.get(n);
        if (n < warmup || put?.receivedAt === undefined) continue;
        toCut.push(job.enqueuedAt - epoch(put.sentAt));
        arrivalToCut.push(job.enqueuedAt - put.arrivalMs!);
        cutToStart.push(job.processedOn - job.enqueuedAt);
        startToFunction.push(epoch(put.receivedAt) - job.processedOn);
      }
    }
    printTable(
      `Put-to-invocation latency, ${delivered.length} of ${measured} records (${RATE}/s for ${SECONDS} s over ${SHARDS} shards), ms; mapping on Lambda defaults (BatchSize 100, no window); ${settingsLine()}`,
      ['measure', 'p50', 'p95', 'p99', 'max', 'mean'],
      [
        row('put sent -> function invoked (the target)', fromSend),
        row('record arrival (approximateArrivalTimestamp) -> function invoked', fromArrival),
        row('put acknowledged -> function invoked', fromAck),
        row('  put sent -> record arrival (inside the emulator)', sentToArrival),
        row('  PutRecords round trip', putTime),
        row('  PutRecords round trip, put-only phase (no mapping yet)', putOnlyTime),
        row('  put sent -> batch cut by the poller', summarize(toCut)),
        row('  record arrival -> batch cut by the poller (poll wait + GetRecords)', summarize(arrivalToCut)),
        row('  batch cut -> worker started (BullMQ)', summarize(cutToStart)),
        row('  worker started -> function received (invoke)', summarize(startToFunction)),
      ],
    );
    console.log(`invocations: ${invocationsInWindow} (${fixed(delivered.length / Math.max(1, invocationsInWindow), 2)} records each); AWS Lambda polls each shard about once a second, for comparison`);
    if (calls !== undefined) {
      const getRecords = calls.byOperation.GetRecords ?? 0;
      console.log(
        `Sluice's GetRecords during the window: ${fixed(getRecords / windowSeconds, 1)}/s (${fixed(getRecords / windowSeconds / SHARDS, 1)}/s per shard), ${fixed((100 * calls.emptyGetRecords) / Math.max(1, getRecords))}% empty`,
      );
    }
    const verdict = (s: Summary) => (s.p50 <= TARGET_P50_MS && s.p99 <= TARGET_P99_MS && delivered.length === measured ? 'MET' : 'MISSED');
    const lost = delivered.length === measured ? '' : `, ${measured - delivered.length} records never arrived`;
    console.log(`target: p50 <= ${TARGET_P50_MS} ms and p99 <= ${TARGET_P99_MS} ms`);
    console.log(`  from put sent:        ${verdict(fromSend)} (p50 ${fixed(fromSend.p50)} ms, p99 ${fixed(fromSend.p99)} ms${lost})`);
    console.log(`  from record arrival:  ${verdict(fromArrival)} (p50 ${fixed(fromArrival.p50)} ms, p99 ${fixed(fromArrival.p99)} ms${lost})`);
    console.log(`[${stamp()}] done; ${loadLine()}`);
  } finally {
    kinesis.destroy();
    await sluice.stop();
    await fn.close();
    await proxy?.close();
    await stack.stop();
  }
}

await main();
