import { ErrorCode, SluiceError, type AwsClients, type SourceArn } from '@sluice/shared';
import { DynamoDbStreamsSource } from './dynamodb-streams-source.js';
import { KinesisConsumerSource } from './kinesis-consumer-source.js';
import { KinesisSource } from './kinesis-source.js';
import type { StreamSource } from './stream-source.js';

/**
 * The StreamSource for a mapping's event source ARN (parsed with parseSourceArn).
 *
 * @example
 * const source = createStreamSource(parseSourceArn(mapping.eventSourceArn)!, clients);
 */
export function createStreamSource(sourceArn: SourceArn, clients: AwsClients): StreamSource {
  switch (sourceArn.kind) {
    case 'kinesis':
      return new KinesisSource(clients.kinesis, sourceArn.arn);
    case 'kinesis-consumer':
      return new KinesisConsumerSource(clients.kinesis, sourceArn.arn);
    case 'dynamodb':
      return new DynamoDbStreamsSource(clients.dynamodbStreams, sourceArn.arn);
    case 'sqs':
      // A queue is received from (queue/), never read as a stream: a bug if it gets here.
      throw new SluiceError(ErrorCode.SourceInvalid, `${sourceArn.arn} is a queue, not a stream`);
  }
}
