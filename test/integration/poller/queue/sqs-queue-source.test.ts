import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ErrorCode, type QueueMessage } from '@sluice/shared';
import { SqsQueueSource } from '../../../../services/poller/src/queue/sqs-queue-source.js';
import { createSourceQueue, sqsClient, uniqueQueueName, type SourceQueue } from '../../../helpers/sqs-source-queue.js';
import { uniqueName } from '../../../helpers/unique-name.js';

// SqsQueueSource against moto server's SQS: Lambda's records from real ReceiveMessage answers,
// deletes, visibility changes, attributes, and the errors of a queue that is not there.
const stack = inject('stack');
let sqs: SQSClient;
const queues: SourceQueue[] = [];

beforeAll(() => {
  sqs = sqsClient(stack.motoEndpoint);
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.delete().catch(() => undefined)));
  sqs.destroy();
});

/** A new queue named after `label` (FIFO when the label ends in .fifo) and its source. */
async function newQueue(label: string, attributes: Record<string, string> = {}): Promise<{ queue: SourceQueue; source: SqsQueueSource }> {
  const queue = await createSourceQueue(sqs, uniqueQueueName(label), attributes);
  queues.push(queue);
  return { queue, source: new SqsQueueSource(sqs, queue.arn) };
}

/** Receives (short polls) until `count` messages came or 5 s passed. */
async function receiveAll(source: SqsQueueSource, count: number): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  const deadline = Date.now() + 5000;
  while (out.length < count && Date.now() < deadline) out.push(...(await source.receive({ maxMessages: 10, waitSeconds: 1 })));
  return out;
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('SqsQueueSource', () => {
  it("receives a message in Lambda's record shape: system attributes as strings, message attributes in lower camel case, SQS's MD5s", async () => {
    // Arrange: SQS's own example attributes plus a Number.float and a Binary one
    const { queue, source } = await newQueue('attrs');
    const body = '{"title":"The Whistler"}';
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: body,
        MessageAttributes: {
          Title: { DataType: 'String', StringValue: 'The Whistler' },
          Author: { DataType: 'String', StringValue: 'John Grisham' },
          WeeksOn: { DataType: 'Number', StringValue: '6' },
          Price: { DataType: 'Number.float', StringValue: '9.99' },
          Cover: { DataType: 'Binary', BinaryValue: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) },
        },
      }),
    );

    // Act
    const [message] = await receiveAll(source, 1);

    // Assert
    const record = message!.lambdaRecord;
    expect(Object.keys(record)).toEqual(['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion']);
    expect(record).toMatchObject({ messageId: message!.messageId, receiptHandle: message!.receiptHandle, body, md5OfBody: md5(body), eventSource: 'aws:sqs', eventSourceARN: queue.arn, awsRegion: 'us-east-1' });
    const attributes = record['attributes'] as Record<string, string>;
    expect(Object.keys(attributes)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
    expect(attributes['ApproximateReceiveCount']).toBe('1');
    // Epoch milliseconds, as strings.
    expect(Math.abs(Number(attributes['SentTimestamp']) - Date.now())).toBeLessThan(60_000);
    expect(record['messageAttributes']).toEqual({
      Title: { stringValue: 'The Whistler', stringListValues: [], binaryListValues: [], dataType: 'String' },
      Author: { stringValue: 'John Grisham', stringListValues: [], binaryListValues: [], dataType: 'String' },
      WeeksOn: { stringValue: '6', stringListValues: [], binaryListValues: [], dataType: 'Number' },
      Price: { stringValue: '9.99', stringListValues: [], binaryListValues: [], dataType: 'Number.float' },
      Cover: { binaryValue: 'iVBORw0K', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    // SQS's MD5 of the five attributes (the golden event test/fixtures/events/sqs/message-attributes.json has it too).
    expect(record['md5OfMessageAttributes']).toBe('d2a6b95e06d3b9fd06b650a785ba2f11');
    expect(message!.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(record)));
  });

  it('receives a FIFO message with its group and deduplication id, in order within the group', async () => {
    // Arrange
    const { queue, source } = await newQueue('order.fifo');
    await queue.send(['first', 'second', 'third'], { groupId: 'g-1' });

    // Act
    const messages = await receiveAll(source, 3);

    // Assert
    expect(messages.map((m) => m.lambdaRecord['body'])).toEqual(['first', 'second', 'third']);
    expect(messages.map((m) => m.groupId)).toEqual(['g-1', 'g-1', 'g-1']);
    const attributes = messages[0]!.lambdaRecord['attributes'] as Record<string, string>;
    expect(attributes).toMatchObject({ MessageGroupId: 'g-1', MessageDeduplicationId: '0-first', ApproximateReceiveCount: '1' });
    // AWS adds SequenceNumber (between SentTimestamp and MessageGroupId); moto does not return it
    // for FIFO messages, so it is not asserted here (the golden FIFO event covers its place).
    const lambdaOrder = ['ApproximateReceiveCount', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp'];
    expect(Object.keys(attributes)).toEqual(lambdaOrder.filter((name) => name in attributes));
  });

  it('deletes messages in batches of 10 and says which the queue did not delete', async () => {
    // Arrange: 12 messages (two DeleteMessageBatch calls) and one with a receipt handle SQS never gave
    const { queue, source } = await newQueue('delete', { VisibilityTimeout: '1' });
    await queue.send(Array.from({ length: 12 }, (_, i) => `m${i}`));
    const received = await receiveAll(source, 12);
    const forged: QueueMessage = { ...received[0]!, messageId: 'forged', receiptHandle: 'not-a-receipt-handle' };

    // Act
    const failed = await source.delete([...received, forged]);

    // Assert: after the visibility timeout nothing comes back
    expect(received).toHaveLength(12);
    expect(failed.map((m) => m.messageId)).toEqual(['forged']);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 0 });
  });

  it('makes messages visible again at once with visibility 0, and they come back with ApproximateReceiveCount 2', async () => {
    // Arrange
    const { queue, source } = await newQueue('visibility', { VisibilityTimeout: '30' });
    await queue.send(['again']);
    const [first] = await receiveAll(source, 1);

    // Act
    await source.changeVisibility([first!], 0);
    const [second] = await receiveAll(source, 1);

    // Assert
    expect(second!.messageId).toBe(first!.messageId);
    expect((second!.lambdaRecord['attributes'] as Record<string, string>)['ApproximateReceiveCount']).toBe('2');
  });

  it('keeps a message invisible for as long as it is told, past the queue visibility timeout', async () => {
    const { queue, source } = await newQueue('extend', { VisibilityTimeout: '1' });
    await queue.send(['held']);
    const [message] = await receiveAll(source, 1);

    await source.changeVisibility([message!], 10);
    await new Promise((resolve) => setTimeout(resolve, 1200));

    expect(await source.receive({ maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    expect(await queue.depth()).toEqual({ visible: 0, inFlight: 1 });
  });

  it('reads the visibility timeout and the backlog', async () => {
    const { queue, source } = await newQueue('attributes', { VisibilityTimeout: '7' });
    await queue.send(['a', 'b', 'c']);

    expect(await source.attributes()).toEqual({ visibilityTimeoutSeconds: 7, backlog: 3 });
  });

  it('receives with the visibility timeout it is given instead of the queue one', async () => {
    const { queue, source } = await newQueue('receive-visibility', { VisibilityTimeout: '30' });
    await queue.send(['soon back']);

    const [first] = await source.receive({ maxMessages: 10, waitSeconds: 1, visibilityTimeoutSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const [second] = await receiveAll(source, 1);

    expect(second?.messageId).toBe(first?.messageId);
  });

  it('answers SourceNotFound, not retryable, for a queue that does not exist', async () => {
    const source = new SqsQueueSource(sqs, `arn:aws:sqs:us-east-1:123456789012:${uniqueName('missing')}`);

    const errors = await Promise.all([source.receive({ maxMessages: 1, waitSeconds: 0 }).catch((e: unknown) => e), source.attributes().catch((e: unknown) => e)]);

    for (const error of errors) expect(error).toMatchObject({ code: ErrorCode.SourceNotFound, retryable: false });
  });

  it('answers SourceNotFound for a queue deleted after its URL was looked up', async () => {
    const { queue, source } = await newQueue('deleted');
    await source.attributes();

    await queue.delete();

    await expect(source.receive({ maxMessages: 1, waitSeconds: 0 })).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
  });
});
