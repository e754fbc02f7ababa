import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type CreateEventSourceMappingCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createSourceQueue, sqsClient, uniqueQueueName, waitForEmptyQueue, type SourceQueue } from '../helpers/sqs-source-queue.js';
import { deleteSettledMapping } from '../helpers/sluice-lambda.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import { callSluiceApi, type SluiceProcess } from '../helpers/sluice-process.js';
import { FUNCTION_ERROR, bodies, mappingMetric, receiveCount, routeByQueue, type SqsFunctionRouter } from '../helpers/sqs-function-router.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// SQS event source mappings end to end: Sluice as a separate process (every role), moto's SQS,
// the real LambdaClient, a recording HTTP function. Queues that see failures have a 2 s visibility
// timeout, so a failed message comes back soon; their function is registered with Timeout 1 (Lambda
// refuses a queue visibility timeout shorter than the function's timeout).
// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
const stack = inject('stack');
const functionName = uniqueName('sqs-fn');
let harness: SluiceWithFunction<SluiceProcess>;
let lambda: LambdaClient;
let sqs: SQSClient;
let router: SqsFunctionRouter;
const queues: SourceQueue[] = [];

beforeAll(async () => {
  harness = await startSluiceWithFunction(stack, { prefix: uniqueName('e2e-sqs'), functionName });
  ({ lambda } = harness);
  sqs = sqsClient(stack.motoEndpoint);
  router = routeByQueue(harness.fn);
  const updated = await callSluiceApi(harness.sluice.url, 'PUT', `/sluice/v1/functions/${functionName}`, { Timeout: 1 });
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.delete().catch(() => undefined)));
  sqs?.destroy();
  await harness?.close();
});

/** A new queue named after `label` (FIFO when it ends in .fifo), deleted after the file. */
async function newQueue(label: string, attributes: Record<string, string> = {}): Promise<SourceQueue> {
  const queue = await createSourceQueue(sqs, uniqueQueueName(label), attributes);
  queues.push(queue);
  return queue;
}

async function mapQueue(queue: SourceQueue, input: Partial<CreateEventSourceMappingCommandInput> = {}): Promise<string> {
  return (await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: queue.arn, ...input }))).UUID!;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const messageIdOf = (records: Record<string, unknown>[], body: string) => String(records.find((r) => r['body'] === body)!['messageId']);

// Each test has its own queue and mapping: they run at once.
describe.concurrent('SQS mapping', () => {
  it("delivers messages in Lambda's SQS event, message attributes included, and deletes them on success", async () => {
    // Arrange
    const queue = await newQueue('deliver');
    const uuid = await mapQueue(queue);

    // Act: a plain message, and one with a string, a Number.float and a binary attribute
    await queue.send(['hello']);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"order":1}',
        MessageAttributes: { Title: { DataType: 'String', StringValue: 'The Whistler' }, Price: { DataType: 'Number.float', StringValue: '9.99' }, Cover: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } },
      }),
    );

    // Assert
    await waitFor(() => router.recordsFrom(queue.arn).length >= 2, { message: 'both messages delivered' });
    const records = router.recordsFrom(queue.arn);
    const plain = records.find((r) => r['body'] === 'hello')!;
    const attributed = records.find((r) => r['body'] === '{"order":1}')!;
    expect(Object.keys(plain)).toEqual(['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion']);
    expect(plain).toMatchObject({ md5OfBody: md5('hello'), eventSource: 'aws:sqs', eventSourceARN: queue.arn, awsRegion: 'us-east-1', messageAttributes: {}, md5OfMessageAttributes: null });
    expect(Object.keys(plain['attributes'] as object)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    expect(receiveCount(plain)).toBe('1');
    expect(attributed['messageAttributes']).toEqual({
      Title: { stringValue: 'The Whistler', stringListValues: [], binaryListValues: [], dataType: 'String' },
      Price: { stringValue: '9.99', stringListValues: [], binaryListValues: [], dataType: 'Number.float' },
      Cover: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(attributed['md5OfMessageAttributes']).toMatch(/^[0-9a-f]{32}$/);
    await waitForEmptyQueue(queue);
    await deleteSettledMapping(lambda, uuid);
  });

  it('caps batches at BatchSize, and a batching window gathers several receives into one batch', async () => {
    // Arrange: one mapping with BatchSize 4, one with a 2 s window
    const capped = await newQueue('capped');
    const windowed = await newQueue('windowed');
    await capped.send(Array.from({ length: 9 }, (_, i) => `c${i}`));
    const cappedUuid = await mapQueue(capped, { BatchSize: 4 });
    const windowedUuid = await mapQueue(windowed, { BatchSize: 20, MaximumBatchingWindowInSeconds: 2 });

    // Act: three sends 300 ms apart (each receive gets fewer than 10: one poller gathers them)
    for (const round of [0, 1, 2]) {
      await windowed.send([`w${round}a`, `w${round}b`, `w${round}c`]);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    // Assert
    await waitFor(() => router.recordsFrom(capped.arn).length >= 9, { message: 'every capped message delivered' });
    expect(Math.max(...router.eventsFrom(capped.arn).map((e) => e.event.Records.length))).toBe(4);
    await waitFor(() => router.recordsFrom(windowed.arn).length >= 9, { message: 'every windowed message delivered' });
    const windowedEvents = router.eventsFrom(windowed.arn);
    expect(windowedEvents).toHaveLength(1);
    expect(bodies(windowedEvents[0]!).sort()).toEqual(['w0a', 'w0b', 'w0c', 'w1a', 'w1b', 'w1c', 'w2a', 'w2b', 'w2c']);
    await Promise.all([deleteSettledMapping(lambda, cappedUuid), deleteSettledMapping(lambda, windowedUuid)]);
  });

  it('with ReportBatchItemFailures deletes all but the listed messages, which come back after the visibility timeout', async () => {
    // Arrange: four messages in one batch; the first answer lists m2 and m3
    const queue = await newQueue('partial', { VisibilityTimeout: '2' });
    await queue.send(['m1', 'm2', 'm3', 'm4']);
    router.handlers.set(queue.arn, (e) => {
      if (router.eventsFrom(queue.arn).indexOf(e) > 0) return { status: 200, body: { batchItemFailures: [] } };
      const records = e.event.Records;
      return { status: 200, body: { batchItemFailures: ['m2', 'm3'].map((body) => ({ itemIdentifier: messageIdOf(records, body) })) } };
    });

    // Act
    const uuid = await mapQueue(queue, { FunctionResponseTypes: ['ReportBatchItemFailures'] });

    // Assert
    await waitFor(() => router.eventsFrom(queue.arn).length >= 2, { message: 'the failed messages came back' });
    await waitForEmptyQueue(queue);
    const [first, second] = router.eventsFrom(queue.arn);
    expect(bodies(first!).sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(bodies(second!).sort()).toEqual(['m2', 'm3']);
    expect(second!.event.Records.map(receiveCount)).toEqual(['2', '2']);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1500);
    expect(router.eventsFrom(queue.arn)).toHaveLength(2);
    const url = harness.sluice.url;
    await waitFor(async () => (await mappingMetric(url, 'sluice_queue_messages_in_flight', uuid)) === 0, { message: 'no message in flight' });
    expect(await mappingMetric(url, 'sluice_queue_messages_received_total', uuid)).toBe(6);
    expect(await mappingMetric(url, 'sluice_queue_messages_deleted_total', uuid)).toBe(4);
    expect(await mappingMetric(url, 'sluice_queue_messages_failed_total', uuid)).toBe(2);
    expect(await mappingMetric(url, 'sluice_queue_backlog_messages', uuid)).toEqual(expect.any(Number));
    await deleteSettledMapping(lambda, uuid);
  });

  it('with ReportBatchItemFailures fails the whole batch on an itemIdentifier that is not in it', async () => {
    // Arrange
    const queue = await newQueue('invalid', { VisibilityTimeout: '2' });
    await queue.send(['x1', 'x2']);
    router.handlers.set(queue.arn, (e) =>
      router.eventsFrom(queue.arn).indexOf(e) === 0 ? { status: 200, body: { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] } } : { status: 200, body: {} },
    );

    // Act
    const uuid = await mapQueue(queue, { FunctionResponseTypes: ['ReportBatchItemFailures'] });

    // Assert: both come back, received twice
    await waitFor(() => router.eventsFrom(queue.arn).length >= 2, { message: 'the batch came back' });
    await waitForEmptyQueue(queue);
    const second = router.eventsFrom(queue.arn)[1]!;
    expect(bodies(second).sort()).toEqual(['x1', 'x2']);
    expect(second.event.Records.map(receiveCount)).toEqual(['2', '2']);
    await deleteSettledMapping(lambda, uuid);
  });

  it("moves a message its function keeps failing to the queue's dead-letter queue after maxReceiveCount", async () => {
    // Arrange
    const dlq = await newQueue('dlq');
    const queue = await newQueue('redrive', { VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
    await queue.send(['poison']);
    router.handlers.set(queue.arn, () => FUNCTION_ERROR);

    // Act
    const uuid = await mapQueue(queue);

    // Assert: delivered twice (receive counts 1 and 2), then in the DLQ, never delivered again
    const moved = await waitFor(
      async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }))).Messages?.[0],
      { timeoutMs: 15_000, message: 'the message reached the dead-letter queue' },
    );
    const records = router.recordsFrom(queue.arn);
    expect(records.map(receiveCount)).toEqual(['1', '2']);
    expect(moved).toMatchObject({ MessageId: records[0]!['messageId'], Body: 'poison' });
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0 });
    await deleteSettledMapping(lambda, uuid);
  });

  it('keeps order within each FIFO message group; a failing message blocks its group only while other groups flow', async () => {
    // Arrange: a2 fails once. (Only one message of the failing group comes back: when two of one
    // group come back at once, moto's receive skips the first and hands out the second, out of
    // order, which AWS never does. settle() keeping what follows a failure is unit-tested.)
    const queue = await newQueue('groups.fifo', { VisibilityTimeout: '2' });
    let failed = false;
    router.handlers.set(queue.arn, (e) => {
      const a2 = e.event.Records.find((r) => r['body'] === 'a2');
      if (failed || a2 === undefined) return { status: 200, body: {} };
      failed = true;
      return { status: 200, body: { batchItemFailures: [{ itemIdentifier: a2['messageId'] }] } };
    });
    await queue.send(['a1', 'a2'], { groupId: 'a' });
    await queue.send(['b1', 'b2'], { groupId: 'b' });

    // Act: a3 and b3 come after the failure; b goes on while a waits for a2's visibility timeout
    const uuid = await mapQueue(queue, { FunctionResponseTypes: ['ReportBatchItemFailures'] });
    await waitFor(() => failed, { message: 'a2 failed' });
    await queue.send(['a3'], { groupId: 'a' });
    await queue.send(['b3'], { groupId: 'b' });

    // Assert
    await waitFor(() => router.recordsFrom(queue.arn).some((r) => r['body'] === 'a3'), { message: 'a3 delivered' });
    await waitForEmptyQueue(queue);
    const records = router.recordsFrom(queue.arn);
    const group = (g: string) => records.filter((r) => (r['attributes'] as Record<string, string>)['MessageGroupId'] === g).map((r) => String(r['body']));
    expect(group('a')).toEqual(['a1', 'a2', 'a2', 'a3']);
    expect(group('b')).toEqual(['b1', 'b2', 'b3']);
    const deliveries = (body: string) => router.eventsFrom(queue.arn).filter((e) => bodies(e).includes(body));
    expect(deliveries('b3')[0]!.receivedAt).toBeLessThan(deliveries('a2')[1]!.receivedAt);
    expect(receiveCount(deliveries('a2')[1]!.event.Records.find((r) => r['body'] === 'a2')!)).toBe('2');
    // FIFO records carry the group and deduplication id. AWS adds SequenceNumber too; moto does not return it.
    expect(records[0]!['attributes']).toMatchObject({ MessageGroupId: 'a', MessageDeduplicationId: expect.any(String) });
    await deleteSettledMapping(lambda, uuid);
  });
});
