import { DescribeStreamConsumerCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { unreachable, type AwsClients, type SourceArn } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import type { SourceChecker, SourceFacts } from './source-checker.js';

// ResourceNotFoundException: Kinesis and DynamoDB Streams; QueueDoesNotExist: SQS (JSON protocol;
// AWS.SimpleQueueService.NonExistentQueue in its query protocol, which older emulators speak).
const NOT_FOUND = new Set(['ResourceNotFoundException', 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

/**
 * Checks a mapping's source with its service, as Lambda does on create ("Stream not found: <arn>"
 * when a stream is missing), and reads what the rules need of a queue (its visibility timeout).
 * A service we cannot reach is our fault (500).
 */
export class AwsSourceChecker implements SourceChecker {
  constructor(private readonly clients: Pick<AwsClients, 'kinesis' | 'dynamodbStreams' | 'sqs'>) {}

  async describe(source: SourceArn): Promise<SourceFacts | undefined> {
    try {
      switch (source.kind) {
        case 'kinesis':
          await this.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: source.name }));
          return { model: 'stream' };
        case 'kinesis-consumer':
          await this.clients.kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: source.arn }));
          return { model: 'stream' };
        case 'dynamodb':
          await this.clients.dynamodbStreams.send(new DescribeStreamCommand({ StreamArn: source.arn, Limit: 1 }));
          return { model: 'stream' };
        case 'sqs':
          return await this.describeQueue(source);
        default:
          return unreachable(source.kind);
      }
    } catch (error) {
      if (NOT_FOUND.has((error as Error).name)) return undefined;
      throw new LambdaApiError('ServiceException', `Could not check the event source ${source.arn}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private async describeQueue(source: SourceArn): Promise<SourceFacts> {
    const { QueueUrl } = await this.clients.sqs.send(new GetQueueUrlCommand({ QueueName: source.name, QueueOwnerAWSAccountId: source.account }));
    const { Attributes } = await this.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }));
    const visibility = Number(Attributes?.VisibilityTimeout);
    return { model: 'queue', ...(Number.isFinite(visibility) ? { visibilityTimeoutSeconds: visibility } : {}) };
  }
}
