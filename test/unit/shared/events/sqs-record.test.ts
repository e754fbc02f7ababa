import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError, buildSqsQueueMessage, type SqsMessageInput } from '@sluice/shared';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/events/sqs/${name}.json`, import.meta.url), 'utf8'));
}

/** Byte-exact: same members, same order, same values as the golden document. */
function asEvent(messages: { lambdaRecord: unknown }[]): string {
  return JSON.stringify({ Records: messages.map((m) => m.lambdaRecord) });
}

// The golden events are the Lambda developer guide's example events
// (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html), with `md5OfMessageAttributes: null`
// where a message has no attributes, as Lambda sends it with a batching window (the guide's
// examples leave the key out; both forms come from Lambda). The attributes event uses SQS's own
// example message attributes (Title, Author, WeeksOn, whose MD5 AWS documents as
// d25a6aea97eb8f585bfa92d314504a92) plus a Number.float and a Binary attribute; its
// md5OfMessageAttributes is SQS's MD5 of all five
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation).
describe('buildSqsQueueMessage', () => {
  it("builds the records of Lambda's standard queue example event, byte for byte, whatever order SQS lists the attributes in", () => {
    // Arrange: ReceiveMessage's answer as the SDK gives it (attributes in another order than Lambda's)
    const sdkMessages: SqsMessageInput[] = [
      {
        MessageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
        ReceiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
        MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        Body: 'Test message.',
        Attributes: { SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: '1545082649185', ApproximateReceiveCount: '1', SentTimestamp: '1545082649183' },
      },
      {
        MessageId: '2e1424d4-f796-459a-8184-9c92662be6da',
        ReceiptHandle: 'AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq...',
        MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        Body: 'Test message.',
        Attributes: { ApproximateFirstReceiveTimestamp: '1545082650649', SentTimestamp: '1545082650636', ApproximateReceiveCount: '1', SenderId: 'AIDAIENQZJOLO23YVJ4VO' },
      },
    ];

    // Act
    const messages = sdkMessages.map((m) => buildSqsQueueMessage(m, { queueArn: 'arn:aws:sqs:us-east-2:123456789012:my-queue' }));

    // Assert
    expect(asEvent(messages)).toBe(JSON.stringify(fixture('standard')));
  });

  it("builds the record of Lambda's FIFO queue example event, byte for byte, and names its message group", () => {
    // Arrange
    const sdkMessage: SqsMessageInput = {
      MessageId: '11d6ee51-4cc7-4302-9e22-7cd8afdaadf5',
      ReceiptHandle: 'AQEBBX8nesZEXmkhsmZeyIE8iQAMig7qw...',
      MD5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
      Body: 'Test message.',
      Attributes: {
        MessageDeduplicationId: '1',
        ApproximateReceiveCount: '1',
        MessageGroupId: '1',
        SenderId: 'AIDAIO23YVJENQZJOL4VO',
        SequenceNumber: '18849496460467696128',
        ApproximateFirstReceiveTimestamp: '1573251510774',
        SentTimestamp: '1573251510774',
      },
    };

    // Act
    const message = buildSqsQueueMessage(sdkMessage, { queueArn: 'arn:aws:sqs:us-east-2:123456789012:fifo.fifo' });

    // Assert
    expect(asEvent([message])).toBe(JSON.stringify(fixture('fifo')));
    expect(message.groupId).toBe('1');
  });

  it('builds message attributes in lower camel case: strings, numbers with a custom label kept, binary in base64', () => {
    // Arrange: a binary value as the SDK hands it, a view into a larger buffer
    const png = new Uint8Array([0xff, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0xff]).subarray(1, 7);
    const sdkMessage: SqsMessageInput = {
      MessageId: 'c80e8021-a70a-42c7-a470-796e1186f753',
      ReceiptHandle: 'AQEBJQ+/u6NsnT5t8Q/VbVxgdUl4TMKZ5FqhksRdIQvLBhwNvADoBxYSOVeCBXdnS9P+',
      MD5OfBody: 'e090c1b80671623b2532826799fd9aef',
      Body: '{"title":"The Whistler"}',
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1701080000000', SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: '1701080000012' },
      MD5OfMessageAttributes: 'd2a6b95e06d3b9fd06b650a785ba2f11',
      MessageAttributes: {
        Title: { StringValue: 'The Whistler', DataType: 'String' },
        Author: { StringValue: 'John Grisham', DataType: 'String' },
        WeeksOn: { StringValue: '6', DataType: 'Number' },
        Price: { StringValue: '9.99', DataType: 'Number.float' },
        Cover: { BinaryValue: png, DataType: 'Binary' },
      },
    };

    // Act
    const message = buildSqsQueueMessage(sdkMessage, { queueArn: 'arn:aws:sqs:us-east-1:123456789012:books' });

    // Assert
    expect(asEvent([message])).toBe(JSON.stringify(fixture('message-attributes')));
  });

  it('keeps the body as sent, never parsed, and counts the JSON size of the record', () => {
    const body = '{"a": 1,   "b":"é"}';

    const message = buildSqsQueueMessage({ MessageId: 'm', ReceiptHandle: 'r', Body: body, MD5OfBody: 'x' }, { queueArn: 'arn:aws:sqs:eu-west-1:123456789012:q' });

    expect(message.lambdaRecord['body']).toBe(body);
    expect(message.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(message.lambdaRecord)));
    expect(message).toMatchObject({ messageId: 'm', receiptHandle: 'r' });
    expect(message.groupId).toBeUndefined();
    expect(message.lambdaRecord['awsRegion']).toBe('eu-west-1');
  });

  it('puts attributes Lambda does not list after its own, in the order SQS gave them', () => {
    const message = buildSqsQueueMessage(
      {
        MessageId: 'm',
        ReceiptHandle: 'r',
        Attributes: { DeadLetterQueueSourceArn: 'arn:aws:sqs:us-east-1:123456789012:src', SentTimestamp: '2', ApproximateReceiveCount: '3' },
      },
      { queueArn: 'arn:aws:sqs:us-east-1:123456789012:dlq' },
    );

    expect(Object.keys(message.lambdaRecord['attributes'] as object)).toEqual(['ApproximateReceiveCount', 'SentTimestamp', 'DeadLetterQueueSourceArn']);
  });

  it('refuses a message without a MessageId or ReceiptHandle as SourceInvalid', () => {
    const build = () => buildSqsQueueMessage({ ReceiptHandle: 'r', Body: 'x' }, { queueArn: 'arn:aws:sqs:us-east-1:123456789012:q' });

    expect(build).toThrow(SluiceError);
    expect(build).toThrow(expect.objectContaining({ code: ErrorCode.SourceInvalid }));
  });
});
