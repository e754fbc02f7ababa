import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { parseSourceArn, type AwsClients, type StreamSourceArn } from '@sluice/shared';
import { createStreamSource } from '../../../../../services/poller/src/sources/create-stream-source.js';
import { DynamoDbStreamsSource } from '../../../../../services/poller/src/sources/dynamodb-streams-source.js';
import { KinesisConsumerSource, streamArnOfConsumer } from '../../../../../services/poller/src/sources/kinesis-consumer-source.js';
import { KinesisSource } from '../../../../../services/poller/src/sources/kinesis-source.js';

const clients = { kinesis: new KinesisClient({}), dynamodbStreams: new DynamoDBStreamsClient({}) } as unknown as AwsClients;

describe('createStreamSource', () => {
  it.each([
    ['arn:aws:kinesis:us-east-1:123456789012:stream/orders', KinesisSource],
    ['arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/sluice:1700000000', KinesisConsumerSource],
    ['arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000', DynamoDbStreamsSource],
  ])('%s', (arn, type) => {
    expect(createStreamSource(parseSourceArn(arn) as StreamSourceArn, clients)).toBeInstanceOf(type);
  });
});

describe('streamArnOfConsumer', () => {
  it('is the consumer ARN up to /consumer/', () => {
    expect(streamArnOfConsumer('arn:aws:kinesis:eu-west-1:123456789012:stream/a.b-c/consumer/x:1700000000')).toBe(
      'arn:aws:kinesis:eu-west-1:123456789012:stream/a.b-c',
    );
  });
});
