/**
 * The SQS benches (issue #11), against an SQS emulator of the bench's own (fauxqs; lib/sqs-stack.ts
 * says why not moto) and a private redis-server, Sluice (`start --role all`, default settings) as a
 * separate process. Every SQS call of Sluice and of the raw loop goes through one counting proxy.
 *
 * 1. Drain: BENCH_SQS_MESSAGES (10,000) messages in a queue, drained by a mapping (BatchSize 10,
 *    Lambda's default) to a no-op HTTP function, timed from CreateEventSourceMapping until the
 *    last message is deleted; against a raw ReceiveMessage(10) + DeleteMessageBatch loop at the
 *    concurrency Sluice reached in the same round (its sluice_queue_pollers peak), on a refilled
 *    queue of the same emulator. BENCH_SQS_WARMUPS (2) untimed rounds, BENCH_SQS_ROUNDS (5) timed.
 * 2. Latency: send -> invoke on an idle mapped queue, one message every 100 ms.
 * 3. Idle: BENCH_SQS_IDLE_QUEUES (16) mapped idle queues for BENCH_IDLE_SECONDS (30 s) against
 *    the same Sluice with no mappings: CPU, Redis commands and SQS calls per idle queue per second.
 *
 *   node --import tsx bench/sqs-drain.ts       (after npm run build)
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { CREDENTIALS, REGION } from './lib/kinesis.js';
import { MESSAGE_ID, startRecordingFunction, type ReceivedInvocation } from './lib/function.js';
import { settingsLine, startSluice, type BenchSluice } from './lib/sluice.js';
import { startSqsBenchStack } from './lib/sqs-stack.js';
import { diffCounts, startAwsCallProxy, type AwsCallProxy, type CallCounts } from './lib/aws-call-proxy.js';
import { diffStats, redisCpuSeconds, redisStats, type RedisStats } from './lib/redis-stats.js';
import { fixed, loadLine, percentile, printTable, processCpuSeconds, sleep, stamp } from './lib/report.js';

const MESSAGES = Number(process.env.BENCH_SQS_MESSAGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_SQS_ROUNDS ?? 5);
const WARMUPS = Number(process.env.BENCH_SQS_WARMUPS ?? 2);
const LATENCY_SAMPLES = Number(process.env.BENCH_SQS_LATENCY_SAMPLES ?? 100);
const IDLE_QUEUES = Number(process.env.BENCH_SQS_IDLE_QUEUES ?? 16);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const PAD = 'x'.repeat(80);

const run = randomBytes(3).toString('hex');

interface Setup {
  readonly sqs: SQSClient;
  readonly sluice: BenchSluice;
  readonly proxy: AwsCallProxy;
  readonly redis: Redis;
  readonly sqsPid: number;
  readonly functionName: string;
  invocations: ReceivedInvocation[];
}

async function createQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Sends `count` messages `{"i":n,...}` in batches of 10, 8 calls at a time. */
async function fill(sqs: SQSClient, url: string, count: number): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < count) {
      const base = next;
      next += 10;
      const entries = Array.from({ length: Math.min(10, count - base) }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ i: base + j, pad: PAD }) }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, sender));
}

function deleted(proxy: AwsCallProxy): number {
  return proxy.counts().batchEntries.DeleteMessageBatch ?? 0;
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 10): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

function gauge(metrics: string, name: string, uuid: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{mapping="${uuid}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

interface SluiceRound {
  readonly ms: number;
  readonly peakPollers: number;
  readonly sluiceCpuS: number;
  readonly sqsCpuS: number;
  readonly redisCpuS: number;
  readonly redis: RedisStats;
  readonly calls: CallCounts;
  readonly invocations: number;
  readonly duplicates: number;
}

async function sluiceRound(setup: Setup, label: string): Promise<SluiceRound> {
  const { sqs, sluice, proxy, redis } = setup;
  const queue = await createQueue(sqs, `bench-sqs-${run}-${label}`);
  await fill(sqs, queue.url, MESSAGES);
  setup.invocations = [];
  const before = { deleted: deleted(proxy), calls: proxy.counts(), cpu: sluice.cpuSeconds(), sqsCpu: processCpuSeconds(setup.sqsPid), redisCpu: await redisCpuSeconds(redis), redis: await redisStats(redis) };
  const started = performance.now();
  const uuid = await sluice.createMapping({ FunctionName: setup.functionName, EventSourceArn: queue.arn });
  let peakPollers = 0;
  let sampling = true;
  const trace: string[] = [];
  const sampler = (async () => {
    while (sampling) {
      const pollers = gauge(await sluice.metrics(), 'sluice_queue_pollers', uuid);
      peakPollers = Math.max(peakPollers, pollers);
      trace.push(`${Math.round(performance.now() - started)}:${deleted(proxy) - before.deleted}/${pollers}`);
      await sleep(200);
    }
  })();
  await waitUntil(() => deleted(proxy) - before.deleted >= MESSAGES, 600_000, `Sluice never deleted ${MESSAGES} messages`, 5);
  const ms = performance.now() - started;
  const after = { calls: proxy.counts(), cpu: sluice.cpuSeconds(), sqsCpu: processCpuSeconds(setup.sqsPid), redisCpu: await redisCpuSeconds(redis), redis: await redisStats(redis) };
  sampling = false;
  await sampler;
  if (process.env.BENCH_SQS_TRACE) console.log(`trace ${label}: ${trace.join(' ')}`);
  await sluice.deleteMapping(uuid);
  const seen = new Map<number, number>();
  for (const invocation of setup.invocations) {
    const event = JSON.parse(invocation.body.toString('utf8')) as { Records: { body: string }[] };
    for (const record of event.Records) {
      const i = (JSON.parse(record.body) as { i: number }).i;
      seen.set(i, (seen.get(i) ?? 0) + 1);
    }
  }
  if (seen.size !== MESSAGES) throw new Error(`Sluice delivered ${seen.size} distinct messages of ${MESSAGES}`);
  return {
    ms,
    peakPollers: Math.max(1, peakPollers),
    sluiceCpuS: after.cpu - before.cpu,
    sqsCpuS: after.sqsCpu - before.sqsCpu,
    redisCpuS: after.redisCpu - before.redisCpu,
    redis: diffStats(after.redis, before.redis),
    calls: diffCounts(after.calls, before.calls),
    invocations: setup.invocations.length,
    duplicates: [...seen.values()].reduce((sum, n) => sum + n - 1, 0),
  };
}

interface RawRound {
  readonly ms: number;
  readonly sqsCpuS: number;
}

/** The baseline: `concurrency` loops of ReceiveMessage(10) then DeleteMessageBatch of what came, until every message is deleted. */
async function rawRound(setup: Setup, label: string, concurrency: number): Promise<RawRound> {
  const { sqs, proxy } = setup;
  // The raw loop's own client, through the same proxy as Sluice's calls.
  const client = new SQSClient({ region: REGION, credentials: CREDENTIALS, endpoint: proxy.endpoint });
  const queue = await createQueue(sqs, `bench-sqs-${run}-${label}`);
  await fill(sqs, queue.url, MESSAGES);
  const start = deleted(proxy);
  const sqsCpu = processCpuSeconds(setup.sqsPid);
  const started = performance.now();
  let done = 0;
  const loop = async () => {
    while (done < MESSAGES) {
      const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      const messages = Messages ?? [];
      if (messages.length === 0) continue;
      await client.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      done += messages.length;
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  await waitUntil(() => deleted(proxy) - start >= MESSAGES, 600_000, `the raw loop never deleted ${MESSAGES} messages`, 5);
  const ms = performance.now() - started;
  const cpu = processCpuSeconds(setup.sqsPid) - sqsCpu;
  await Promise.all(loops);
  client.destroy();
  return { ms, sqsCpuS: cpu };
}

async function drain(setup: Setup): Promise<void> {
  const rows: string[][] = [];
  const ratios: number[] = [];
  for (let round = 0; round < WARMUPS + ROUNDS; round += 1) {
    const warm = round < WARMUPS;
    const sluice = await sluiceRound(setup, `s${round}`);
    const raw = await rawRound(setup, `r${round}`, sluice.peakPollers);
    const ratio = raw.ms / sluice.ms;
    const batches = sluice.invocations;
    console.log(
      `[${stamp()}] ${warm ? 'warm-up' : 'round'} ${round + 1}: Sluice ${fixed(sluice.ms)} ms (${sluice.peakPollers} pollers), raw ${fixed(raw.ms)} ms at ${sluice.peakPollers} loops: ${fixed(ratio, 2)}`,
    );
    if (warm) continue;
    ratios.push(ratio);
    const sqsCalls = Object.values(sluice.calls.byOperation).reduce((a, b) => a + b, 0);
    rows.push([
      String(round - WARMUPS + 1),
      fixed(raw.ms),
      fixed(sluice.ms),
      fixed(ratio, 2),
      String(sluice.peakPollers),
      fixed((MESSAGES / sluice.ms) * 1000),
      String(batches),
      fixed(sluice.redis.totalCommands / batches, 1),
      fixed(sqsCalls / batches, 2),
      fixed(sluice.sluiceCpuS, 2),
      fixed(sluice.redisCpuS, 2),
      fixed(sluice.sqsCpuS, 2),
      fixed(raw.sqsCpuS, 2),
      String(sluice.duplicates),
    ]);
  }
  printTable(
    `Drain of ${MESSAGES} messages, BatchSize 10: raw ReceiveMessage(10) + DeleteMessageBatch at Sluice's poller count vs Sluice`,
    ['round', 'raw ms', 'Sluice ms', 'ratio', 'pollers', 'Sluice msg/s', 'batches', 'Redis cmds/batch', 'SQS calls/batch', 'Sluice CPU s', 'Redis CPU s', 'emulator CPU s (Sluice)', 'emulator CPU s (raw)', 'duplicates'],
    rows,
  );
  const median = percentile([...ratios].sort((a, b) => a - b), 50);
  console.log(`median ratio ${fixed(median, 2)} (target >= 0.8): ${median >= 0.8 ? 'met' : 'missed'}`);
}

async function latency(setup: Setup): Promise<void> {
  const { sqs, sluice } = setup;
  const queue = await createQueue(sqs, `bench-sqs-${run}-latency`);
  const uuid = await sluice.createMapping({ FunctionName: setup.functionName, EventSourceArn: queue.arn });
  await sluice.waitForState(uuid, 'Enabled');
  await waitUntil(async () => gauge(await sluice.metrics(), 'sluice_queue_pollers', uuid) === 1, 30_000, 'one poller', 200);
  await sleep(1000);
  setup.invocations = [];
  const sentAt = new Map<number, number>();
  for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
    sentAt.set(i, performance.now());
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify({ i }) }));
    await sleep(100);
  }
  await waitUntil(() => setup.invocations.reduce((sum, inv) => sum + inv.records, 0) >= LATENCY_SAMPLES, 30_000, 'every latency sample delivered');
  const latencies: number[] = [];
  for (const invocation of setup.invocations) {
    const event = JSON.parse(invocation.body.toString('utf8')) as { Records: { body: string }[] };
    for (const record of event.Records) latencies.push(invocation.receivedAt - sentAt.get((JSON.parse(record.body) as { i: number }).i)!);
  }
  latencies.sort((a, b) => a - b);
  await sluice.deleteMapping(uuid);
  printTable(
    `Send -> invoke latency on an idle queue, ${LATENCY_SAMPLES} messages 100 ms apart (from the start of SendMessage to the function's request)`,
    ['p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'target'],
    [[fixed(percentile(latencies, 50), 1), fixed(percentile(latencies, 90), 1), fixed(percentile(latencies, 99), 1), fixed(latencies.at(-1)!, 1), `p50 <= 50 ms: ${percentile(latencies, 50) <= 50 ? 'met' : 'missed'}`]],
  );
}

interface IdleWindow {
  readonly seconds: number;
  readonly cpuS: number;
  readonly redis: RedisStats;
  readonly calls: CallCounts;
}

async function idleWindow(setup: Setup): Promise<IdleWindow> {
  const started = performance.now();
  const before = { cpu: setup.sluice.cpuSeconds(), redis: await redisStats(setup.redis), calls: setup.proxy.counts() };
  await sleep(IDLE_SECONDS * 1000);
  const after = { cpu: setup.sluice.cpuSeconds(), redis: await redisStats(setup.redis), calls: setup.proxy.counts() };
  return { seconds: (performance.now() - started) / 1000, cpuS: after.cpu - before.cpu, redis: diffStats(after.redis, before.redis), calls: diffCounts(after.calls, before.calls) };
}

async function idle(setup: Setup): Promise<void> {
  // What came before (start-up, a drain, a mapping deleted) settles first.
  await sleep(15_000);
  const baseline = await idleWindow(setup);
  const uuids: string[] = [];
  for (let q = 0; q < IDLE_QUEUES; q += 1) {
    const queue = await createQueue(setup.sqs, `bench-sqs-${run}-idle-${q}`);
    uuids.push(await setup.sluice.createMapping({ FunctionName: setup.functionName, EventSourceArn: queue.arn }));
  }
  for (const uuid of uuids) await setup.sluice.waitForState(uuid, 'Enabled');
  await sleep(5_000);
  const mapped = await idleWindow(setup);
  const per = (w: IdleWindow, value: number) => value / w.seconds;
  const calls = (w: IdleWindow) => Object.values(w.calls.byOperation).reduce((a, b) => a + b, 0);
  const line = (name: string, unit: string, value: (w: IdleWindow) => number, digits: number) => {
    const a = per(baseline, value(baseline));
    const b = per(mapped, value(mapped));
    return [name, unit, fixed(a, digits), fixed(b, digits), fixed((b - a) / IDLE_QUEUES, digits + 2)];
  };
  printTable(`Idle cost: Sluice with no mappings vs ${IDLE_QUEUES} idle mapped queues, per second over ${IDLE_SECONDS} s each`, ['measure', 'unit', 'no mappings', `${IDLE_QUEUES} idle queues`, 'per idle queue'], [
    line('Sluice process CPU', 'ms CPU/s', (w) => w.cpuS * 1000, 1),
    line('Redis commands', 'commands/s', (w) => w.redis.totalCommands, 1),
    line('SQS ReceiveMessage calls', 'calls/s', (w) => w.calls.byOperation.ReceiveMessage ?? 0, 2),
    line('SQS calls of every kind', 'calls/s', calls, 2),
  ]);
  console.log(`SQS calls with ${IDLE_QUEUES} idle queues: ${Object.entries(mapped.calls.byOperation).map(([op, n]) => `${op} ${fixed(n / mapped.seconds, 3)}/s`).join(', ')}`);
  for (const uuid of uuids) await setup.sluice.deleteMapping(uuid);
}

async function main(): Promise<void> {
  const parts = (process.env.BENCH_SQS_PARTS ?? 'drain,latency,idle').split(',');
  console.log(`[${stamp()}] SQS benches (${parts.join(', ')}): ${MESSAGES} messages, ${ROUNDS} rounds after ${WARMUPS} warm-ups, ${settingsLine()}; ${loadLine()}`);
  const stack = await startSqsBenchStack();
  const proxy = await startAwsCallProxy(stack.sqsEndpoint);
  const sqs = new SQSClient({ region: REGION, credentials: CREDENTIALS, endpoint: stack.sqsEndpoint });
  const redis = new Redis(stack.redisUrl);
  redis.on('error', () => undefined);
  const setup: Setup = { sqs, proxy, redis, sqsPid: stack.sqsPid, functionName: `bench-sqs-${run}`, invocations: [], sluice: undefined as unknown as BenchSluice };
  const fn = await startRecordingFunction((invocation) => setup.invocations.push(invocation), MESSAGE_ID);
  const sluice = await startSluice({ redisUrl: stack.redisUrl, prefix: `bench-sqs-${run}`, env: { AWS_ENDPOINT_URL_SQS: proxy.endpoint } });
  (setup as { sluice: BenchSluice }).sluice = sluice;
  try {
    await sluice.registerFunction(setup.functionName, fn.url);
    if (parts.includes('drain')) await drain(setup);
    if (parts.includes('latency')) await latency(setup);
    if (parts.includes('idle')) await idle(setup);
    console.log(`[${stamp()}] done; ${loadLine()}`);
  } finally {
    sqs.destroy();
    await sluice.stop();
    redis.disconnect();
    await fn.close();
    await proxy.close();
    await stack.stop();
  }
}

await main();
