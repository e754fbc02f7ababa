import { describe, expect, it } from 'vitest';
import { parseFunctionRef, parseSourceArn } from '@sluice/shared';

describe('parseSourceArn', () => {
  it('reads Kinesis streams, Kinesis consumers and DynamoDB streams', () => {
    expect(parseSourceArn('arn:aws:kinesis:eu-west-1:123456789012:stream/orders')).toMatchObject({ kind: 'kinesis', name: 'orders', region: 'eu-west-1', account: '123456789012' });
    expect(parseSourceArn('arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/app:1700000000')).toMatchObject({ kind: 'kinesis-consumer', name: 'orders', qualifier: 'app' });
    expect(parseSourceArn('arn:aws:dynamodb:us-east-1:123456789012:table/T01/stream/2024-01-01T00:00:00.000')).toMatchObject({ kind: 'dynamodb', name: 'T01', qualifier: '2024-01-01T00:00:00.000' });
  });

  it('reads standard and FIFO SQS queues', () => {
    expect(parseSourceArn('arn:aws:sqs:eu-west-1:123456789012:orders')).toMatchObject({ kind: 'sqs', name: 'orders', region: 'eu-west-1', account: '123456789012' });
    expect(parseSourceArn('arn:aws:sqs:eu-west-1:123456789012:orders.fifo')).toMatchObject({ kind: 'sqs', name: 'orders.fifo' });
    for (const arn of ['arn:aws:sqs:eu-west-1:123456789012:a.b', `arn:aws:sqs:eu-west-1:123456789012:${'q'.repeat(81)}`, 'arn:aws:sqs:eu-west-1:123:q']) {
      expect(parseSourceArn(arn), arn).toBeUndefined();
    }
  });

  it('refuses other sources and malformed ARNs', () => {
    for (const arn of ['arn:aws:sns:us-east-1:123456789012:t', 'arn:aws:kinesis:us-east-1:123:stream/x', 'arn:aws:dynamodb:us-east-1:123456789012:table/T1', 'stream/x']) {
      expect(parseSourceArn(arn), arn).toBeUndefined();
    }
  });
});

// Forms Lambda accepts for FunctionName:
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-FunctionName
describe('parseFunctionRef', () => {
  it('reads names, partial ARNs and ARNs with qualifiers', () => {
    expect(parseFunctionRef('my-function')).toEqual({ name: 'my-function' });
    expect(parseFunctionRef('my-function:PROD')).toEqual({ name: 'my-function', qualifier: 'PROD' });
    expect(parseFunctionRef('123456789012:function:my-function')).toEqual({ name: 'my-function', account: '123456789012' });
    expect(parseFunctionRef('arn:aws:lambda:us-west-2:123456789012:function:my-function:$LATEST')).toEqual({
      name: 'my-function',
      qualifier: '$LATEST',
      account: '123456789012',
      region: 'us-west-2',
    });
  });

  it('refuses names over 64 characters and other shapes', () => {
    expect(parseFunctionRef('x'.repeat(65))).toBeUndefined();
    expect(parseFunctionRef('bad name')).toBeUndefined();
    expect(parseFunctionRef('arn:aws:sqs:us-east-1:123456789012:q')).toBeUndefined();
  });
});
