import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import { flowEnv, registerHttpFunction, startSluiceRoles, type SluiceRoles } from '../helpers/sluice-process.js';
import { TEST_CREDENTIALS, deleteSettledMapping, sluiceLambdaClient, waitForMappingGone, waitForMappingState } from '../helpers/sluice-lambda.js';
import { startRecordingFunction, type ReceivedEvent, type RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { createTableWithStream } from '../helpers/dynamodb-test-table.js';
import { waitFor } from '../helpers/wait-for.js';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { REGION, createTestStream, decodeKinesisData, kinesisClient, openShardIds, putJsonRecords, waitForActive } from '../helpers/kinesis-test-stream.js';

// Tumbling windows end to end: records put into kinesis-local reach a function through a Sluice
// process (API, poller, worker) with TumblingWindowInSeconds, driven through the Lambda API.
// https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
const stack = inject('stack');
/** Small, so a test can pass it; AWS's 1 MB stays the default. */
const STATE_CAP_BYTES = 300;

type WindowEvent = ReceivedEvent['event'] & {
  window: { start: string; end: string };
  state: { count?: number; n?: number[]; pad?: string };
  shardId: string;
  eventSourceARN: string;
  isFinalInvokeForWindow: boolean;
  isWindowTerminatedEarly: boolean;
};

let kinesis: KinesisClient;
let fn: RecordingFunction;
/** Finals of these streams fail (status 500, a function error) while listed. */
const failingFinals = new Set<string>();

/** The aggregating function: counts records and lists their numbers in its state. */
function answer(event: WindowEvent): { status: number; body?: unknown } {
  if (event.isFinalInvokeForWindow) return failingFinals.has(event.eventSourceARN) ? { status: 500, body: { errorMessage: 'final failed' } } : { status: 200, body: { state: event.state } };
  const numbers = event.Records.map((r) => (r.kinesis === undefined ? { n: -1, key: 'dynamodb' } : decodeKinesisData(r)));
  const state = { count: (event.state.count ?? 0) + numbers.length, n: [...(event.state.n ?? []), ...numbers.map((d) => d.n)] };
  // A record keyed 'big' pads the state past the cap: the window must end early.
  const big = numbers.some((d) => d.key === 'big');
  return { status: 200, body: { state: big ? { ...state, pad: 'x'.repeat(STATE_CAP_BYTES) } : state } };
}

function eventsOf(streamArn: string): WindowEvent[] {
  return fn.events.map((e) => e.event as WindowEvent).filter((e) => e.eventSourceARN === streamArn);
}

/** Sluice as three processes (API, poller, worker), with the window state capped at STATE_CAP_BYTES. */
async function startWindowedSluice(prefix: string): Promise<{ sluice: SluiceRoles; lambda: LambdaClient }> {
  const sluice = await startSluiceRoles(flowEnv(stack, prefix, { SLUICE_TUMBLING_STATE_MAX_BYTES: String(STATE_CAP_BYTES) }));
  return { sluice, lambda: sluiceLambdaClient(sluice.url) };
}

async function createWindowedMapping(lambda: LambdaClient, fnName: string, streamArn: string, batchSize: number, windowSeconds = 1): Promise<string> {
  const created = await lambda.send(
    new CreateEventSourceMappingCommand({ FunctionName: fnName, EventSourceArn: streamArn, StartingPosition: 'TRIM_HORIZON', TumblingWindowInSeconds: windowSeconds, BatchSize: batchSize }),
  );
  return created.UUID!;
}

beforeAll(async () => {
  fn = await startRecordingFunction();
  fn.respond = (event) => answer(event as WindowEvent);
  kinesis = kinesisClient(stack.kinesisEndpoint);
});

afterAll(async () => {
  kinesis?.destroy();
  await fn?.close();
});

describe('tumbling windows', () => {
  const prefix = uniqueName('e2e-windows');
  const fnName = uniqueName('window-fn');
  let sluice: SluiceRoles;
  let lambda: LambdaClient;

  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(stack.redisUrl);
    ({ sluice, lambda } = await startWindowedSluice(prefix));
    expect(await registerHttpFunction(sluice.url, fnName, fn.url)).toBe(201);
  });

  afterAll(async () => {
    redis?.disconnect();
    lambda?.destroy();
    await sluice?.stop();
    await deleteRedisPrefix(stack.redisUrl, prefix);
  });

  it('carries the state from invocation to invocation of a window, then makes one final invocation without records', async () => {
    const name = uniqueName('win-state');
    const streamArn = await createTestStream(kinesis, name, 1);
    await createWindowedMapping(lambda, fnName, streamArn, 2);
    await putJsonRecords(kinesis, name, ['a', 'b', 'c', 'd', 'e']);

    const finalCount = () => eventsOf(streamArn).filter((e) => e.isFinalInvokeForWindow).reduce((sum, e) => sum + (e.state.count ?? 0), 0);
    await waitFor(() => finalCount() === 5, { timeoutMs: 30_000, message: () => `finals counted ${finalCount()} of 5 records` });

    const events = eventsOf(streamArn);
    const windows = [...new Set(events.map((e) => e.window.start))];
    for (const start of windows) {
      const ofWindow = events.filter((e) => e.window.start === start);
      const [finals, batches] = [ofWindow.filter((e) => e.isFinalInvokeForWindow), ofWindow.filter((e) => !e.isFinalInvokeForWindow)];
      // Each invocation gets the state the previous one returned; the first gets {}.
      expect(batches[0]!.state).toEqual({});
      batches.slice(1).forEach((e, i) => expect(e.state.count).toBe(batches.slice(0, i + 1).reduce((sum, b) => sum + b.Records.length, 0)));
      // One final, after every batch of the window, with the whole window's state and no records.
      expect(finals).toHaveLength(1);
      expect(ofWindow.at(-1)).toBe(finals[0]);
      expect(finals[0]!.Records).toEqual([]);
      expect(finals[0]!.isWindowTerminatedEarly).toBe(false);
      expect(finals[0]!.state.count).toBe(batches.reduce((sum, b) => sum + b.Records.length, 0));
      // window.start/end: ISO 8601 to the second, 1 s apart, holding every record's arrival.
      expect(start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(finals[0]!.window.end) - Date.parse(start)).toBe(1000);
      for (const r of batches.flatMap((b) => b.Records)) {
        const arrivalMs = Math.round((r.kinesis as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp * 1000);
        expect(arrivalMs).toBeGreaterThanOrEqual(Date.parse(start));
        expect(arrivalMs).toBeLessThan(Date.parse(finals[0]!.window.end));
      }
    }
    expect(events.every((e) => e.shardId === 'shardId-000000000000' && e.eventSourceARN === streamArn)).toBe(true);
    // Every record delivered once, in order.
    expect(events.flatMap((e) => e.Records.map((r) => decodeKinesisData(r).n))).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends a window early (isWindowTerminatedEarly, a final) when the state passes the size cap, then goes on with a fresh state', async () => {
    const name = uniqueName('win-cap');
    const streamArn = await createTestStream(kinesis, name, 1);
    await createWindowedMapping(lambda, fnName, streamArn, 1);
    await putJsonRecords(kinesis, name, ['a', 'big', 'c']);

    const delivered = () => eventsOf(streamArn).filter((e) => !e.isFinalInvokeForWindow).length;
    await waitFor(() => delivered() === 3 && eventsOf(streamArn).at(-1)?.isFinalInvokeForWindow === true && !eventsOf(streamArn).at(-1)?.isWindowTerminatedEarly, {
      timeoutMs: 30_000,
      message: () => `${delivered()} of 3 records delivered, last event ${JSON.stringify(eventsOf(streamArn).at(-1)?.isFinalInvokeForWindow)}`,
    });
    const events = eventsOf(streamArn);
    const bigAt = events.findIndex((e) => e.Records.some((r) => decodeKinesisData(r).key === 'big'));
    const early = events[bigAt + 1]!;
    expect(early).toMatchObject({ isFinalInvokeForWindow: true, isWindowTerminatedEarly: true, Records: [] });
    expect(early.window).toEqual(events[bigAt]!.window);
    expect(early.state.pad).toHaveLength(STATE_CAP_BYTES); // the state that went over is the one handed over
    // The next record starts from a fresh state (the same window goes on, or the next one began).
    const after = events[bigAt + 2]!;
    expect(decodeKinesisData(after.Records[0]!).key).toBe('c');
    expect(after.state).toEqual({});
  });

  it('treats an answer without a state as a failed invocation and retries the batch', async () => {
    const name = uniqueName('win-nostate');
    const streamArn = await createTestStream(kinesis, name, 1);
    let refused = 0;
    const respond = fn.respond;
    fn.respond = (event, index) => {
      const e = event as WindowEvent;
      if (e.eventSourceARN === streamArn && !e.isFinalInvokeForWindow && refused < 2) {
        refused += 1;
        return { status: 200, body: { batchItemFailures: [] } }; // no state: a failed invocation
      }
      return respond(event, index);
    };
    try {
      await createWindowedMapping(lambda, fnName, streamArn, 10);
      await putJsonRecords(kinesis, name, ['a']);
      await waitFor(() => eventsOf(streamArn).some((e) => e.isFinalInvokeForWindow), { timeoutMs: 30_000, message: 'no final invocation' });
      const batches = eventsOf(streamArn).filter((e) => !e.isFinalInvokeForWindow);
      expect(batches).toHaveLength(3); // two refused answers, then the one that counts
      expect(batches.every((e) => JSON.stringify(e.state) === '{}')).toBe(true);
      expect(eventsOf(streamArn).find((e) => e.isFinalInvokeForWindow)!.state.count).toBe(1);
    } finally {
      fn.respond = respond;
    }
  });

  it('closes the window of a shard that ends (a split) with its final, long before the window would end; the children start fresh windows', async () => {
    const name = uniqueName('win-split');
    const streamArn = await createTestStream(kinesis, name, 1);
    const [parent] = await openShardIds(kinesis, name);
    await createWindowedMapping(lambda, fnName, streamArn, 10, 900);
    await putJsonRecords(kinesis, name, ['a', 'b', 'c']);
    await waitFor(() => eventsOf(streamArn).length > 0, { timeoutMs: 30_000, message: 'nothing delivered from the parent' });
    await kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: parent!, NewStartingHashKey: (2n ** 127n).toString() }));
    await waitForActive(kinesis, name);
    const keys = Array.from({ length: 12 }, (_, i) => `child-${i}`);
    await putJsonRecords(kinesis, name, keys, 100);

    const childRecords = () => eventsOf(streamArn).filter((e) => e.shardId !== parent).flatMap((e) => e.Records);
    await waitFor(() => childRecords().length === keys.length, { timeoutMs: 30_000, message: () => `${childRecords().length} of ${keys.length} child records delivered` });
    const events = eventsOf(streamArn);
    const parentFinal = events.findIndex((e) => e.shardId === parent && e.isFinalInvokeForWindow);
    expect(parentFinal).toBeGreaterThan(-1);
    expect(events[parentFinal]!.state.count).toBe(3);
    expect(events[parentFinal]!.isWindowTerminatedEarly).toBe(false);
    // Children are read only once the parent's window was finalized and the parent checkpointed at its end.
    expect(events.findIndex((e) => e.shardId !== parent)).toBeGreaterThan(parentFinal);
    for (const child of new Set(events.filter((e) => e.shardId !== parent).map((e) => e.shardId))) {
      expect(events.find((e) => e.shardId === child)!.state).toEqual({});
    }
  });

  it('windows DynamoDB stream records by ApproximateCreationDateTime', async () => {
    const dynamodb = new DynamoDBClient({ region: REGION, endpoint: stack.motoEndpoint, credentials: TEST_CREDENTIALS });
    try {
      const table = uniqueName('win-ddb');
      const streamArn = await createTableWithStream(dynamodb, table);
      await createWindowedMapping(lambda, fnName, streamArn, 10);
      for (const id of ['a', 'b', 'c']) await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: id } } }));
      const finalCount = () => eventsOf(streamArn).filter((e) => e.isFinalInvokeForWindow).reduce((sum, e) => sum + (e.state.count ?? 0), 0);
      await waitFor(() => finalCount() === 3, { timeoutMs: 30_000, message: () => `finals counted ${finalCount()} of 3 records` });
      for (const event of eventsOf(streamArn).filter((e) => !e.isFinalInvokeForWindow)) {
        expect(event.shardId).toMatch(/^shardId-/);
        for (const r of event.Records) {
          const createdMs = (r.dynamodb as { ApproximateCreationDateTime: number }).ApproximateCreationDateTime * 1000;
          expect(createdMs).toBeGreaterThanOrEqual(Date.parse(event.window.start));
          expect(createdMs).toBeLessThan(Date.parse(event.window.end));
        }
      }
    } finally {
      dynamodb.destroy();
    }
  });

  /** The checkpoints of a mapping's leases, read where the poller keeps them. */
  async function checkpoints(mappingId: string): Promise<(string | null)[]> {
    const keys = await redis.keys(`{${prefix}:leases:${mappingId}}:lease:*`);
    return Promise.all(keys.map((key) => redis.hget(key, 'checkpoint')));
  }

  it('holds the checkpoint before the window while the final fails, and a restarted poller finishes the window', async () => {
    const name = uniqueName('win-final');
    const streamArn = await createTestStream(kinesis, name, 1);
    failingFinals.add(streamArn);
    try {
      const mappingId = await createWindowedMapping(lambda, fnName, streamArn, 10);
      await putJsonRecords(kinesis, name, ['a', 'b', 'c']);
      const finals = () => eventsOf(streamArn).filter((e) => e.isFinalInvokeForWindow);
      await waitFor(() => finals().length >= 3, { timeoutMs: 30_000, message: () => `${finals().length} final attempts` });
      // The window's records were invoked, but the checkpoint stays before the window.
      expect(eventsOf(streamArn).flatMap((e) => e.Records)).toHaveLength(3);
      expect(await checkpoints(mappingId)).toEqual([null]);
      expect(finals().every((e) => e.state.count === 3)).toBe(true);

      const startPoller = await sluice.stopRole('poller');
      failingFinals.delete(streamArn);
      const attemptsBefore = finals().length;
      await startPoller();

      // The new poller reads from before the window again, finds the window's batches done, and the
      // final (retried by the worker) succeeds with the state kept across the restart: the checkpoint moves.
      const lastSequence = String((eventsOf(streamArn).flatMap((e) => e.Records).at(-1)!.kinesis as { sequenceNumber: string }).sequenceNumber);
      await waitFor(async () => (await checkpoints(mappingId))[0] === lastSequence, { timeoutMs: 30_000, message: 'the checkpoint never moved past the window' });
      expect(finals().length).toBeGreaterThan(attemptsBefore);
      expect(finals().at(-1)!.state.count).toBe(3);
      // Records folded into the state were not invoked again after the restart.
      expect(eventsOf(streamArn).flatMap((e) => e.Records)).toHaveLength(3);
    } finally {
      failingFinals.delete(streamArn);
    }
  });

  // Issue #3: an update applies live. AWS does not document a change of TumblingWindowInSeconds;
  // Sluice closes the open window with a final flagged isWindowTerminatedEarly and goes on with the
  // new size from where it is (README, Tumbling windows).
  it('applies an UpdateEventSourceMapping of TumblingWindowInSeconds live (900 -> 1 -> 0): the open window ends with an early final, nothing lost or repeated; deleting the mapping deletes its window states', async () => {
    const name = uniqueName('win-resize');
    const streamArn = await createTestStream(kinesis, name, 1);
    const respond = fn.respond;
    // Without a window (TumblingWindowInSeconds 0) the event is a plain Kinesis batch: no state to answer.
    fn.respond = (event, index) => ((event as WindowEvent).window === undefined ? { status: 200, body: {} } : respond(event, index));
    try {
      const mappingId = await createWindowedMapping(lambda, fnName, streamArn, 10, 900);
      await putJsonRecords(kinesis, name, ['a', 'b', 'c']);
      // Plain batches (TumblingWindowInSeconds 0) name the stream on each record only.
      const ofStream = () => fn.events.map((e) => e.event as WindowEvent).filter((e) => (e.eventSourceARN ?? e.Records[0]?.eventSourceARN) === streamArn);
      const records = () => ofStream().flatMap((e) => e.Records.map((r) => decodeKinesisData(r).n));
      await waitFor(() => records().length === 3, { timeoutMs: 30_000, message: () => `${records().length} of 3 records delivered` });
      const windowKeys = () => redis.keys(`{${prefix}:windows:${mappingId}}:window-state:*`);
      expect(await windowKeys()).toHaveLength(1);

      await waitForMappingState(lambda, mappingId, 'Enabled');
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, TumblingWindowInSeconds: 1 }));
      const early = await waitFor(() => eventsOf(streamArn).find((e) => e.isFinalInvokeForWindow), { timeoutMs: 30_000, message: 'the 900 s window got no final' });
      expect(early).toMatchObject({ isWindowTerminatedEarly: true, Records: [], state: { count: 3, n: [0, 1, 2] } });
      expect(Date.parse(early.window.end) - Date.parse(early.window.start)).toBe(900_000);

      await putJsonRecords(kinesis, name, ['d', 'e'], 3);
      const oneSecondFinals = () => eventsOf(streamArn).filter((e) => e.isFinalInvokeForWindow && Date.parse(e.window.end) - Date.parse(e.window.start) === 1000);
      const counted = () => oneSecondFinals().reduce((sum, e) => sum + (e.state.count ?? 0), 0);
      await waitFor(() => counted() === 2, { timeoutMs: 30_000, message: () => `1 s windows' finals counted ${counted()} of 2 records` });
      // The new windows start with a fresh state and never repeat the old window's records.
      const resized = eventsOf(streamArn).slice(eventsOf(streamArn).indexOf(early) + 1);
      expect(resized.filter((e) => !e.isFinalInvokeForWindow).every((e) => Date.parse(e.window.end) - Date.parse(e.window.start) === 1000)).toBe(true);
      expect(resized.filter((e) => e.isFinalInvokeForWindow).every((e) => !e.isWindowTerminatedEarly)).toBe(true);

      await waitForMappingState(lambda, mappingId, 'Enabled');
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mappingId, TumblingWindowInSeconds: 0 }));
      // The update reaches the poller through the change feed, asynchronously: records put until
      // then may still go in a 1 s window. One at a time until one comes in a plain event (no window).
      let put = 5;
      for (; put < 10 && ofStream().at(-1)?.window !== undefined; put += 1) {
        await putJsonRecords(kinesis, name, [`plain-${put}`], put);
        await waitFor(() => records().length === put + 1, { timeoutMs: 30_000, message: () => `${records().length} of ${put + 1} records delivered` });
      }
      const plain = ofStream().at(-1)!;
      expect(plain.window).toBeUndefined();
      expect(plain.Records.map((r) => decodeKinesisData(r).n)).toEqual([put - 1]);
      // Every record once, in order, across both changes.
      expect(records()).toEqual(Array.from({ length: put }, (_, i) => i));

      expect((await windowKeys()).length).toBeGreaterThan(0);
      await deleteSettledMapping(lambda, mappingId);
      await waitForMappingGone(lambda, mappingId);
      await waitFor(async () => (await windowKeys()).length === 0, { timeoutMs: 10_000, message: 'window states outlived their mapping' });
      expect(await redis.keys(`{${prefix}:leases:${mappingId}}:lease:*`)).toEqual([]);
    } finally {
      fn.respond = respond;
    }
  });
});
