import type { AwsClients, StreamSourceArn } from '@sluice/shared';
import { DynamoDbStreamsSource } from './dynamodb-streams-source.js';
import { KinesisConsumerSource } from './kinesis-consumer-source.js';
import { KinesisSource } from './kinesis-source.js';
import type { StreamSource } from './stream-source.js';

/**
 * The StreamSource for a stream mapping's event source ARN (parsed with parseSourceArn): one case per stream kind.
 *
 * @example
 * const source = createStreamSource(parseSourceArn(mapping.eventSourceArn) as StreamSourceArn, clients);
 */
export function createStreamSource(sourceArn: StreamSourceArn, clients: AwsClients): StreamSource {
  switch (sourceArn.kind) {
    case 'kinesis':
      return new KinesisSource(clients.kinesis, sourceArn.arn);
    case 'kinesis-consumer':
      return new KinesisConsumerSource(clients.kinesis, sourceArn.arn);
    case 'dynamodb':
      return new DynamoDbStreamsSource(clients.dynamodbStreams, sourceArn.arn);
  }
}
