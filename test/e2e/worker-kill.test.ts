import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { startSluiceRoles, type SluiceRoles } from '../helpers/sluice-process.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import { TEST_CREDENTIALS, deleteSettledMapping } from '../helpers/sluice-lambda.js';
import { createTestQueue, receiveJsonMessages } from '../helpers/sqs-test-queue.js';
import type { ReceivedEvent, RecordingAnswer, RecordingFunction } from '../helpers/recording-function.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';
import { ACCOUNT, REGION, createTestStream, decodeKinesisData, kinesisClient, putJsonRecords } from '../helpers/kinesis-test-stream.js';

// Sluice as three processes (API, poller, worker); the worker is killed with SIGKILL while a
// function holds one of its invocations, and a new worker process is started. BullMQ's stalled-job
// check hands the batch to the new worker once the dead one's lock lapses (SLUICE_WORKER_LOCK_MS,
// shortened here), with the progress the job saved, while the poller keeps the lane blocked.
// test/integration/worker/worker-crash.test.ts covers the handover of one queued job below the poller.
const stack = inject('stack');
const prefix = uniqueName('e2e-kill');
const fnName = uniqueName('kill-fn');
let sluice: SluiceRoles;
let lambda: LambdaClient;
let kinesis: KinesisClient;
let sqs: SQSClient;
let fn: RecordingFunction;
let harness: SluiceWithFunction<SluiceRoles>;
/** How the function answers the events of each stream (by ARN); a promise that never settles holds the invocation. */
const handlers = new Map<string, (event: ReceivedEvent) => RecordingAnswer | Promise<RecordingAnswer>>();

beforeAll(async () => {
  kinesis = kinesisClient(stack.kinesisEndpoint);
  sqs = new SQSClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: stack.motoEndpoint });
  harness = await startSluiceWithFunction(stack, { prefix, functionName: fnName, env: { SLUICE_WORKER_LOCK_MS: '2000' } }, startSluiceRoles);
  ({ sluice, lambda, fn } = harness);
  fn.respond = (event, index) => handlers.get(String(event.Records[0]?.eventSourceARN))?.(fn.events[index]!) ?? { status: 200 };
});

afterAll(async () => {
  kinesis?.destroy();
  sqs?.destroy();
  await harness?.close();
});

/** The events the function was sent from one stream, in the order they arrived. */
const eventsFrom = (arn: string) => fn.events.filter((e) => e.event.Records[0]?.eventSourceARN === arn);
/** The record numbers (`n`, see putJsonRecords) of an event. */
const numbers = (e: ReceivedEvent) => e.event.Records.map((r) => decodeKinesisData(r).n);
const eventIds = (e: ReceivedEvent) => e.event.Records.map((r) => String(r.eventID));
const sequenceOf = (eventId: string) => BigInt(eventId.split(':')[1]!);

/**
 * Per-shard order across every delivery: each event either repeats the one before it (the same
 * records, a redelivery) or starts after it ended. Returns the pairs that break it (none expected).
 */
function orderViolations(events: ReceivedEvent[]): string[] {
  const violations: string[] = [];
  for (let i = 1; i < events.length; i += 1) {
    const before = eventIds(events[i - 1]!);
    const now = eventIds(events[i]!);
    const repeated = JSON.stringify(before) === JSON.stringify(now);
    if (!repeated && sequenceOf(now[0]!) <= sequenceOf(before.at(-1)!)) violations.push(`${JSON.stringify(numbers(events[i - 1]!))} then ${JSON.stringify(numbers(events[i]!))}`);
  }
  return violations;
}

async function killWorkerAndStartAnother(): Promise<void> {
  const startWorker = await sluice.stopRole('worker', 'SIGKILL');
  await startWorker();
}

const deleteMapping = (uuid: string) => deleteSettledMapping(lambda, uuid);

describe('a worker process killed with SIGKILL mid-invocation', () => {
  it('leaves the batch to a new worker process, which delivers it again, in order, before any later batch', async () => {
    const stream = uniqueName('kill-stream');
    const arn = await createTestStream(kinesis, stream, 1);
    const put = await putJsonRecords(kinesis, stream, Array.from({ length: 12 }, () => 'k'));
    let held: ReceivedEvent | undefined;
    handlers.set(arn, (event) => {
      if (held !== undefined || !numbers(event).includes(4)) return { status: 200 };
      held = event;
      return new Promise<never>(() => undefined);
    });
    const { UUID: uuid } = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: fnName, EventSourceArn: arn, StartingPosition: 'TRIM_HORIZON', BatchSize: 3 }),
    );
    await waitFor(() => held, { timeoutMs: 30_000, message: () => `the batch with record 4 never arrived:\n${sluice.process('poller').output()}` });

    await killWorkerAndStartAnother();

    await waitFor(() => held!.aborted, { message: 'the held invocation was not cut off by the kill' });
    await waitFor(() => put.every((p) => eventsFrom(arn).some((e) => e.answered && numbers(e).includes(p.n))), {
      timeoutMs: 30_000,
      message: () => `not every record was delivered after the restart: ${JSON.stringify(eventsFrom(arn).map(numbers))}\n${sluice.process('worker').output()}`,
    });
    const events = eventsFrom(arn);
    const heldAt = events.indexOf(held!);
    // The very next delivery from this stream is the held batch again, the same records in the same order.
    expect(eventIds(events[heldAt + 1]!)).toEqual(eventIds(held!));
    expect(events[heldAt + 1]!.answered).toBe(true);
    expect(events.slice(0, heldAt).every((e) => e.answered)).toBe(true);
    expect(orderViolations(events)).toEqual([]);
    await deleteMapping(uuid!);
  });

  it('resumes a bisect where it was: the half in flight again, the poison record to the on-failure destination as without the crash', async () => {
    const queue = await createTestQueue(sqs, uniqueName('kill-dlq'));
    const stream = uniqueName('kill-bisect');
    const arn = await createTestStream(kinesis, stream, 1);
    const put = await putJsonRecords(kinesis, stream, Array.from({ length: 8 }, () => 'k'));
    const POISON = 5;
    let failed: ReceivedEvent | undefined;
    let held: ReceivedEvent | undefined;
    const succeeded: number[] = [];
    handlers.set(arn, (event) => {
      if (numbers(event).includes(POISON)) {
        failed ??= event;
        return { status: 500, body: { errorMessage: 'poison' } };
      }
      // The first half of the first split: the job saved its progress before this invocation.
      if (held === undefined && failed !== undefined) {
        held = event;
        return new Promise<never>(() => undefined);
      }
      succeeded.push(...numbers(event));
      return { status: 200 };
    });
    const { UUID: uuid } = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fnName,
        EventSourceArn: arn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: queue.arn } },
      }),
    );
    await waitFor(() => held, { timeoutMs: 30_000, message: () => `no bisect half was invoked: ${JSON.stringify(eventsFrom(arn).map(numbers))}` });

    await killWorkerAndStartAnother();

    await waitFor(() => put.every((p) => p.n === POISON || succeeded.includes(p.n)), {
      timeoutMs: 30_000,
      message: () => `not every good record was delivered after the restart: ${JSON.stringify(eventsFrom(arn).map(numbers))}\n${sluice.process('worker').output()}`,
    });
    const events = eventsFrom(arn);
    expect(held!.aborted).toBe(true);
    // The job resumed at the half it was in, not at the whole batch: the same invocations as
    // without the crash, with the cut-off half once more.
    expect(events.map(numbers)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [4, 5],
      [4],
      [5],
      [6, 7],
    ]);
    // In order: what succeeded, succeeded in sequence order, each record once.
    expect(succeeded).toEqual([0, 1, 2, 3, 4, 6, 7]);

    // The poison record alone, with the invocations that included it (whole, [4-7], [4,5], [5]).
    const poison = events.find((e) => JSON.stringify(numbers(e)) === `[${POISON}]`)!.event.Records[0] as {
      eventID: string;
      kinesis: { sequenceNumber: string; approximateArrivalTimestamp: number };
    };
    const arrival = new Date(Math.round(poison.kinesis.approximateArrivalTimestamp * 1000)).toISOString();
    const bodies = await receiveJsonMessages(sqs, queue.url, { waitTimeSeconds: 1, timeoutMs: 20_000, message: 'no failure record arrived in SQS' });
    expect(bodies).toEqual([
      {
        requestContext: {
          requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fnName}`,
          condition: 'RetryAttemptsExhausted',
          approximateInvokeCount: 4,
        },
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        KinesisBatchInfo: {
          shardId: poison.eventID.split(':')[0],
          startSequenceNumber: poison.kinesis.sequenceNumber,
          endSequenceNumber: poison.kinesis.sequenceNumber,
          approximateArrivalOfFirstRecord: arrival,
          approximateArrivalOfLastRecord: arrival,
          batchSize: 1,
          streamArn: arn,
        },
      },
    ]);
    await deleteMapping(uuid!);
    await queue.delete();
  });
});
