import { setTimeout as sleep } from 'node:timers/promises';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { startKinesisLocal, type KinesisLocalHandle } from '@sluice/localstack';
import { createTestStream, kinesisClient, REGION } from '../helpers/kinesis-test-stream.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { startTestRedisServer, type TestRedisServer } from '../helpers/redis-server.js';
import { createStreamMapping, sluiceLambdaClient, TEST_CREDENTIALS, waitForMappingState } from '../helpers/sluice-lambda.js';
import { registerHttpFunction, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import type { ChaosForm } from './chaos-form.js';
import { formatTally, tallyDeliveries, type Delivery, type FaultWindow, type Tally } from './delivery-tally.js';
import { startPacedProducer } from './paced-producer.js';

/**
 * One chaos scenario's world, all of it its own so that a fault hurts nobody else: a redis-server
 * with AOF fsynced on every write (what production needs to survive kill -9), a kinesis-local it
 * may stop, a recording HTTP function it may make fail, and Sluice processes (`--role all`) it may
 * kill and start again.
 */
export interface ChaosRig {
  readonly form: ChaosForm;
  readonly redis: TestRedisServer;
  readonly kinesisLocal: KinesisLocalHandle;
  readonly fn: RecordingFunction;
  /** The running Sluice processes; replace() swaps one for its successor. */
  readonly sluices: SluiceProcess[];
  /** Starts one more Sluice on the same Redis, prefix and stream service. */
  startSluice(): Promise<SluiceProcess>;
  /** SIGKILLs sluices[index]; resolves once it has exited. */
  kill(index: number): Promise<void>;
  /** Starts the successor of a killed sluices[index] (as a supervisor would) in its place. */
  restart(index: number): Promise<void>;
  /** Makes the function answer 500 (an unhandled function error) or 200 again. */
  setFunctionFailing(failing: boolean): void;
  /** Every invocation so far, in arrival order. */
  deliveries(): Delivery[];
  /** Everything the Sluice processes wrote, the last `chars` of each, for failure messages. */
  logTail(chars?: number): string;
  close(): Promise<void>;
}

export async function startChaosRig(form: ChaosForm, processes: number): Promise<ChaosRig> {
  const redis = await startTestRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']);
  const kinesisLocal = await startKinesisLocal({ port: 0 });
  const fn = await startRecordingFunction();
  const statuses: number[] = [];
  let failing = false;
  fn.respond = (_event, index) => {
    statuses[index] = failing ? 500 : 200;
    return failing ? { status: 500, body: { errorMessage: 'chaos: the function is failing' } } : { status: 200, body: {} };
  };
  const env = {
    REDIS_URL: redis.url,
    SLUICE_REDIS_PREFIX: uniqueName('chaos'),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_KINESIS: kinesisLocal.endpoint,
    ...form.sluiceEnv,
  };
  const start = () => startSluice({ args: ['start', '--role', 'all'], env, timeoutMs: 30_000 });
  const sluices = await Promise.all(Array.from({ length: processes }, start));
  const logs: string[] = [];
  return {
    form,
    redis,
    kinesisLocal,
    fn,
    sluices,
    startSluice: start,
    kill: async (index) => void (await sluices[index]!.stop('SIGKILL')),
    async restart(index) {
      logs.push(sluices[index]!.output());
      sluices[index] = await start();
    },
    setFunctionFailing: (value) => void (failing = value),
    deliveries: () =>
      fn.events.map((e, i) => ({ at: e.receivedAt, ok: statuses[i] === 200, eventIds: e.event.Records.map((r) => String(r.eventID)) })),
    logTail: (chars = 3000) => [...logs, ...sluices.map((s) => s.output())].map((text, i) => `--- sluice ${i}\n${text.slice(-chars)}`).join('\n'),
    async close() {
      await Promise.all(sluices.map((s) => s.stop()));
      await fn.close();
      await kinesisLocal.stop();
      await redis.stop();
    },
  };
}

/** What a scenario does to the rig once records flow; resolves with each fault's window once all are over. */
export type Faults = (rig: ChaosRig) => Promise<FaultWindow[]>;

/** A fault's window around `act` and `clear`: started before act, ended once clear resolved. */
export async function faultWindow(name: string, act: () => Promise<unknown> | void, lastsMs: number, clear: () => Promise<unknown> | void): Promise<FaultWindow> {
  const startedAt = Date.now();
  await act();
  await sleep(Math.max(0, startedAt + lastsMs - Date.now()));
  await clear();
  return { name, startedAt, endedAt: Date.now() };
}

/**
 * Maps a fresh stream to the recording function, produces the form's records at its rate, runs
 * `faults` `faultAtMs` into production, and waits until every acknowledged record was delivered
 * (or drainTimeoutMs went by); then prints the tally and returns it.
 */
export async function runScenario(rig: ChaosRig, scenario: string, faults: Faults): Promise<Tally> {
  const { form } = rig;
  const kinesis: KinesisClient = kinesisClient(rig.kinesisLocal.endpoint);
  const lambda = sluiceLambdaClient(rig.sluices[0]!.url);
  try {
    const stream = uniqueName(`chaos-${scenario}`);
    const streamArn = await createTestStream(kinesis, stream, form.shards);
    const status = await registerHttpFunction(rig.sluices[0]!.url, 'chaos-fn', rig.fn.url);
    if (status !== 201) throw new Error(`registering the function answered ${status}`);
    const uuid = await createStreamMapping(lambda, 'chaos-fn', { EventSourceArn: streamArn });
    await waitForMappingState(lambda, uuid, 'Enabled', 20_000);

    const producer = startPacedProducer({ kinesis, stream, records: form.records, perSecond: form.perSecond });
    await sleep(form.faultAtMs);
    const windows = await faults(rig);
    await producer.done;
    const deadline = Date.now() + form.drainTimeoutMs;
    let tally = tallyDeliveries(producer.acked, rig.deliveries(), windows);
    while (tally.lost > 0 && Date.now() < deadline) {
      await sleep(500);
      tally = tallyDeliveries(producer.acked, rig.deliveries(), windows);
    }
    // A moment more for late replays, so the duplicate count is the whole of it.
    await sleep(1_000);
    tally = tallyDeliveries(producer.acked, rig.deliveries(), windows);
    console.log(`${formatTally(scenario, tally)}\n  (${form.name} form: ${form.records} records at ${form.perSecond}/s on ${form.shards} shards, ${producer.retries()} put retries, ${rig.fn.events.length} invocations)`);
    return tally;
  } finally {
    lambda.destroy();
    kinesis.destroy();
  }
}

/** The failure message of a scenario that lost or reordered records: the figures, samples and the processes' last log lines. */
export function explainFailure(rig: ChaosRig, tally: Tally): string {
  return `lost ${tally.lost} (e.g. ${tally.lostSample.join(', ')}), order violations ${tally.orderViolations} (e.g. ${tally.violationSample.join('; ')})\n${rig.logTail()}`;
}
