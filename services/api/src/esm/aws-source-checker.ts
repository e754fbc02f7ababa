import { DescribeStreamConsumerCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import type { AwsClients, SourceArn } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import type { SourceChecker } from './source-checker.js';

const NOT_FOUND = new Set(['ResourceNotFoundException']);

/**
 * Checks a mapping's source with the stream service itself, as Lambda does on create
 * ("Stream not found: <arn>" when it is missing). A service we cannot reach is our fault (500).
 */
export class AwsSourceChecker implements SourceChecker {
  constructor(private readonly clients: Pick<AwsClients, 'kinesis' | 'dynamodbStreams'>) {}

  async exists(source: SourceArn): Promise<boolean> {
    try {
      switch (source.kind) {
        case 'kinesis':
          await this.clients.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: source.name }));
          return true;
        case 'kinesis-consumer':
          await this.clients.kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: source.arn }));
          return true;
        case 'dynamodb':
          await this.clients.dynamodbStreams.send(new DescribeStreamCommand({ StreamArn: source.arn, Limit: 1 }));
          return true;
      }
    } catch (error) {
      if (NOT_FOUND.has((error as Error).name)) return false;
      throw new LambdaApiError('ServiceException', `Could not check the event source ${source.arn}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
