import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Redis } from 'ioredis';
import { createQueueBatchQueue, createRedis, createRedisKeys, type QueueBatchQueue } from '@sluice/shared';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { startRecordingFunction, type RecordingFunction } from '../helpers/recording-function.js';
import { deleteSettledMapping, sluiceLambdaClient } from '../helpers/sluice-lambda.js';
import { flowEnv, registerFunction, type SluiceProcess } from '../helpers/sluice-process.js';
import { startAllRoles } from '../helpers/sluice-with-function.js';
import { createSourceQueue, sqsClient, uniqueQueueName, waitForEmptyQueue, type SourceQueue } from '../helpers/sqs-source-queue.js';
import { mappingMetric, receiveCount, routeByQueue, type SqsFunctionRouter } from '../helpers/sqs-function-router.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// Sluice processes that die or share a queue. SQS is the only state of a queue mapping's messages:
// a message a dead process held comes back after its visibility timeout and another process
// delivers it; several processes receive from one queue, and SQS gives each message to one of them.
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
const stack = inject('stack');
const prefix = uniqueName('e2e-sqs-crash');
const functionName = uniqueName('sqs-crash-fn');
// A dead worker's job is found stalled after about a lock (2 s here, 30 s by default).
const env = flowEnv(stack, prefix, { SLUICE_WORKER_LOCK_MS: '2000' });
let fn: RecordingFunction;
let router: SqsFunctionRouter;
let sqs: SQSClient;
/** Every Sluice process started (the killed one included); all of them share `prefix`. */
const processes: SluiceProcess[] = [];
const queues: SourceQueue[] = [];
/** The installation's queue of SQS batches (BullMQ), read to see what a dead process left. */
let batchJobs: QueueBatchQueue;
let redis: Redis;

beforeAll(async () => {
  redis = createRedis(stack.redisUrl, { forBullmq: true });
  batchJobs = createQueueBatchQueue(redis, createRedisKeys(prefix));
  fn = await startRecordingFunction();
  router = routeByQueue(fn);
  sqs = sqsClient(stack.motoEndpoint);
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await batchJobs?.close();
  await redis?.quit();
  await Promise.all(queues.map((q) => q.delete().catch(() => undefined)));
  sqs?.destroy();
  await fn?.close();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

async function startSluice(): Promise<SluiceProcess> {
  const sluice = await startAllRoles(env);
  processes.push(sluice);
  return sluice;
}

async function newQueue(label: string, attributes: Record<string, string> = {}): Promise<SourceQueue> {
  const queue = await createSourceQueue(sqs, uniqueQueueName(label), attributes);
  queues.push(queue);
  return queue;
}

describe('SQS mappings across Sluice processes', () => {
  let survivor: SluiceProcess;
  let lambda: LambdaClient;

  it('delivers a batch again after the only Sluice process was killed while its function held it', async () => {
    // Arrange: one process; a function (Timeout 2 s) that holds the first batch; a 2 s visibility timeout
    const first = await startSluice();
    const registered = await registerFunction(first.url, { FunctionName: functionName, Invoker: { Type: 'http', Url: fn.url }, Timeout: 2 });
    expect(registered.status, registered.text).toBe(201);
    lambda = sluiceLambdaClient(first.url);
    const queue = await newQueue('killed', { VisibilityTimeout: '2' });
    router.handlers.set(queue.arn, (e) => (router.eventsFrom(queue.arn).indexOf(e) === 0 ? new Promise(() => undefined) : { status: 200, body: {} }));
    const { UUID: uuid } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: queue.arn }));
    await queue.send(['k1', 'k2', 'k3', 'k4', 'k5']);
    await waitFor(() => router.eventsFrom(queue.arn).length === 1, { message: 'the batch reached the function' });
    const held = router.eventsFrom(queue.arn)[0]!.event.Records.map((r) => String(r['body'])).sort();
    await waitFor(async () => (await mappingMetric(first.url, 'sluice_queue_messages_in_flight', uuid!)) === held.length, { message: 'the held messages counted in flight' });

    // Act: kill -9 mid-batch, and start a new process
    await first.stop('SIGKILL');
    survivor = await startSluice();
    lambda.destroy();
    lambda = sluiceLambdaClient(survivor.url);

    // Assert: the held messages come back (receive count 2) and every message is delivered and deleted
    await waitForEmptyQueue(queue, 20_000);
    const records = router.recordsFrom(queue.arn);
    const after = records.slice(held.length);
    expect(new Set(records.map((r) => r['body']))).toEqual(new Set(['k1', 'k2', 'k3', 'k4', 'k5']));
    expect(after.filter((r) => held.includes(String(r['body']))).map(receiveCount)).toEqual(held.map(() => '2'));
    // The dead process's job is found stalled by the new one, and not invoked again: its messages came back through the queue.
    await waitFor(async () => Object.values(await batchJobs.getJobCounts('active', 'wait', 'delayed', 'prioritized')).every((n) => n === 0), {
      timeoutMs: 15_000,
      message: 'the dead process left a queue batch job',
    });
    // A second run of that job would deliver its records again with their first receive count.
    const firstReceives = router.recordsFrom(queue.arn).filter((r) => receiveCount(r) === '1');
    expect(firstReceives.map((r) => r['body']).sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    await deleteSettledMapping(lambda, uuid!);
  });

  it('delivers every message, none lost, with two Sluice processes polling one queue', async () => {
    // Arrange: a second process beside the survivor
    const second = await startSluice();
    const queue = await newQueue('shared');
    const { UUID: uuid } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: queue.arn }));
    await waitFor(async () => (await mappingMetric(second.url, 'sluice_queue_pollers', uuid!)) === 1 && (await mappingMetric(survivor.url, 'sluice_queue_pollers', uuid!)) === 1, {
      message: 'both processes poll the queue',
    });

    // Act
    const sent = Array.from({ length: 200 }, (_, i) => `s${i}`);
    await queue.send(sent);

    // Assert: at least once each, and both processes took part
    await waitForEmptyQueue(queue, 20_000);
    expect(new Set(router.recordsFrom(queue.arn).map((r) => r['body']))).toEqual(new Set(sent));
    for (const sluice of [survivor, second]) expect(await mappingMetric(sluice.url, 'sluice_queue_messages_received_total', uuid!)).toBeGreaterThan(0);
    await deleteSettledMapping(lambda, uuid!);
    lambda.destroy();
  });
});
