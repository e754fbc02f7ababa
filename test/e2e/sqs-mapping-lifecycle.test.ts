import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { runAwsLambdaCli } from '../helpers/aws-cli.js';
import { createSourceQueue, sqsClient, uniqueQueueName, waitForEmptyQueue, type SourceQueue } from '../helpers/sqs-source-queue.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { bodies, mappingMetric, routeByQueue, type SqsFunctionRouter } from '../helpers/sqs-function-router.js';
import { waitForMappingState } from '../helpers/sluice-lambda.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// SQS mappings created, filtered, paused, changed and deleted with the real AWS CLI v2, exactly as
// a user's shell would, while Sluice (one process, every role) delivers from moto's SQS.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
const stack = inject('stack');
const functionName = uniqueName('sqs-cli-fn');
const cliHome = mkdtempSync(join(tmpdir(), 'sluice-aws-cli-'));
let harness: SluiceWithFunction<SluiceProcess>;
let sqs: SQSClient;
let router: SqsFunctionRouter;
const queues: SourceQueue[] = [];

interface CliMapping {
  UUID: string;
  State: string;
  BatchSize: number;
  [key: string]: unknown;
}

beforeAll(async () => {
  harness = await startSluiceWithFunction(stack, { prefix: uniqueName('e2e-sqs-cli'), functionName });
  sqs = sqsClient(stack.motoEndpoint);
  router = routeByQueue(harness.fn);
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.delete().catch(() => undefined)));
  sqs?.destroy();
  await harness?.close();
  rmSync(cliHome, { recursive: true, force: true });
});

/** `aws lambda <args>` against Sluice; it must succeed, and its JSON output is returned. */
async function aws(...args: string[]): Promise<CliMapping> {
  const result = await runAwsLambdaCli(args, { endpointUrl: harness.sluice.url, home: cliHome, region: 'us-east-1' });
  expect(result.stderr, `aws lambda ${args.join(' ')}`).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as CliMapping;
}

async function newQueue(label: string): Promise<SourceQueue> {
  const queue = await createSourceQueue(sqs, uniqueQueueName(label));
  queues.push(queue);
  return queue;
}

const createMapping = (queue: SourceQueue, ...args: string[]) => aws('create-event-source-mapping', '--function-name', functionName, '--event-source-arn', queue.arn, ...args);

/** States are polled with the LambdaClient: one CLI run costs about a second of CPU. */
const waitForState = (uuid: string, state: string) => waitForMappingState(harness.lambda, uuid, state);

/** Until this process runs no receive loop for the mapping (it stopped polling the queue). */
async function waitForNoPollers(uuid: string): Promise<void> {
  await waitFor(async () => (await mappingMetric(harness.sluice.url, 'sluice_queue_pollers', uuid)) === 0, { message: `mapping ${uuid} still polls` });
}

/** How long a stopped mapping is watched to show that nothing is delivered (receive loops react in ms). */
const QUIET_MS = 1000;

describe.concurrent('SQS mapping lifecycle through the AWS CLI', () => {
  it('delivers only the messages a filter on body matches (JSON or plain string) and deletes the others', async () => {
    // Arrange: a JSON pattern on the parsed body, and a plain-string pattern on a plain-string body
    const queue = await newQueue('filtered');
    const filters = JSON.stringify({ Filters: [{ Pattern: '{"body":{"kind":["order"]}}' }, { Pattern: '{"body":["ping"]}' }] });
    const { UUID: uuid } = await createMapping(queue, '--filter-criteria', filters);

    // Act: two match; a JSON body of another kind, another plain string, and a plain string that a
    // JSON pattern never matches do not
    await queue.send(['{"kind":"order","n":1}', '{"kind":"refund","n":2}', 'ping', 'pong', 'order']);

    // Assert: the others are deleted, never delivered
    await waitFor(async () => (await mappingMetric(harness.sluice.url, 'sluice_records_filtered_total', uuid)) === 3, { message: 'three messages filtered out' });
    await waitForEmptyQueue(queue);
    expect(router.recordsFrom(queue.arn).map((r) => r['body']).sort()).toEqual(['ping', '{"kind":"order","n":1}']);
    expect(await mappingMetric(harness.sluice.url, 'sluice_queue_messages_deleted_total', uuid)).toBe(5);
    await aws('delete-event-source-mapping', '--uuid', uuid);
  });

  it('delivers nothing while Disabled, the messages staying in the queue, and delivers them once Enabled again', async () => {
    // Arrange
    const queue = await newQueue('paused');
    const { UUID: uuid } = await createMapping(queue);
    await waitForState(uuid, 'Enabled');

    // Act: disable, send, wait; enable
    expect((await aws('update-event-source-mapping', '--uuid', uuid, '--no-enabled')).State).toBe('Disabling');
    await waitForState(uuid, 'Disabled');
    await waitForNoPollers(uuid);
    await queue.send(['p1', 'p2', 'p3']);
    await sleep(QUIET_MS);
    const whileDisabled = { delivered: router.recordsFrom(queue.arn).length, depth: await queue.depth() };
    expect((await aws('update-event-source-mapping', '--uuid', uuid, '--enabled')).State).toBe('Enabling');

    // Assert
    expect(whileDisabled).toEqual({ delivered: 0, depth: { visible: 3, inFlight: 0 } });
    await waitFor(() => router.recordsFrom(queue.arn).length >= 3, { message: 'the messages flowed once enabled' });
    await waitForEmptyQueue(queue);
    expect(router.recordsFrom(queue.arn).map((r) => r['body']).sort()).toEqual(['p1', 'p2', 'p3']);
    // Read when polling started again: the three were waiting.
    expect(await mappingMetric(harness.sluice.url, 'sluice_queue_backlog_messages', uuid)).toBe(3);
    await aws('delete-event-source-mapping', '--uuid', uuid);
  });

  it('applies a new BatchSize to the batches that follow, also to what a long poll begun before the update brings', async () => {
    // Arrange: BatchSize 10; the poller then waits in a long poll for up to 10
    const queue = await newQueue('resized');
    const { UUID: uuid } = await createMapping(queue);
    await queue.send(['s1', 's2', 's3', 's4']);
    await waitFor(() => router.recordsFrom(queue.arn).length >= 4, { message: 'the first messages delivered' });

    // Act
    expect((await aws('update-event-source-mapping', '--uuid', uuid, '--batch-size', '2')).BatchSize).toBe(2);
    await waitForState(uuid, 'Enabled');
    await queue.send(['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']);

    // Assert
    await waitFor(() => router.recordsFrom(queue.arn).length >= 11, { message: 'the later messages delivered' });
    const [first, ...later] = router.eventsFrom(queue.arn).map((e) => e.event.Records.length);
    expect(first).toBe(4);
    expect(later.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...later)).toBe(2);
    await aws('delete-event-source-mapping', '--uuid', uuid);
  });

  it('stops delivering once the mapping is deleted, and leaves the queue alone', async () => {
    // Arrange
    const queue = await newQueue('deleted');
    const { UUID: uuid } = await createMapping(queue);
    await queue.send(['d1']);
    await waitFor(() => router.recordsFrom(queue.arn).length === 1, { message: 'd1 delivered' });

    // Act
    await waitForState(uuid, 'Enabled');
    expect((await aws('delete-event-source-mapping', '--uuid', uuid)).State).toBe('Deleting');
    await waitForNoPollers(uuid);
    await queue.send(['d2', 'd3']);
    await sleep(QUIET_MS);

    // Assert
    expect(router.eventsFrom(queue.arn).flatMap(bodies)).toEqual(['d1']);
    expect(await queue.depth()).toEqual({ visible: 2, inFlight: 0 });
  });
});
