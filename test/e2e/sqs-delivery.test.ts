import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CreateEventSourceMappingCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createSourceQueue, sqsClient, type SourceQueue } from '../helpers/sqs-source-queue.js';
import { deleteSettledMapping } from '../helpers/sluice-lambda.js';
import { startSluiceWithFunction, type SluiceWithFunction } from '../helpers/sluice-with-function.js';
import type { SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// SQS event source mappings end to end: Sluice as a separate process (every role), moto's SQS,
// the real LambdaClient, a recording HTTP function.
const stack = inject('stack');
const functionName = uniqueName('sqs-fn');
let harness: SluiceWithFunction<SluiceProcess>;
let lambda: LambdaClient;
let sqs: SQSClient;
const queues: SourceQueue[] = [];

beforeAll(async () => {
  harness = await startSluiceWithFunction(stack, { prefix: uniqueName('e2e-sqs'), functionName });
  lambda = harness.lambda;
  sqs = sqsClient(stack.motoEndpoint);
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.delete().catch(() => undefined)));
  sqs?.destroy();
  await harness?.close();
});

async function newQueue(label: string, attributes: Record<string, string> = {}): Promise<SourceQueue> {
  const queue = await createSourceQueue(sqs, uniqueName(label), attributes);
  queues.push(queue);
  return queue;
}

describe('SQS mapping', () => {
  it('delivers messages in Lambda\'s SQS event and deletes them on success', async () => {
    // Arrange
    const queue = await newQueue('deliver');
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: functionName, EventSourceArn: queue.arn }));
    const before = harness.fn.events.length;

    // Act
    await queue.send(['hello', '{"order":1}']);

    // Assert
    await waitFor(() => harness.fn.records().filter((r) => r['eventSourceARN'] === queue.arn).length >= 2, { message: 'both messages delivered' });
    const records = harness.fn.events.slice(before).flatMap((e) => e.event.Records).filter((r) => r['eventSourceARN'] === queue.arn);
    expect(records.map((r) => r['body']).sort()).toEqual(['hello', '{"order":1}'].sort());
    const record = records[0]!;
    expect(Object.keys(record)).toEqual(['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion']);
    expect(record).toMatchObject({ eventSource: 'aws:sqs', awsRegion: 'us-east-1', messageAttributes: {}, md5OfMessageAttributes: null });
    await waitFor(async () => {
      const depth = await queue.depth();
      return depth.visible === 0 && depth.inFlight === 0;
    }, { message: 'messages deleted after success' });
    await deleteSettledMapping(lambda, created.UUID!);
  });
});
