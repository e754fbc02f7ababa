import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DestinationType, type Destination, type DestinationDelivery } from './destination.js';
import { destinationError } from './destination-error.js';

/**
 * SQS destination: SendMessage with the record as the body (a stream failure record is metadata
 * only: the records stay in the stream; an async invocation record carries the event). The queue URL is looked up from the ARN on every delivery, so a
 * queue created after an outage is found.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class SqsDestination implements Destination {
  readonly type = DestinationType.Sqs;

  constructor(private readonly sqs: SQSClient) {}

  async deliver(delivery: DestinationDelivery): Promise<void> {
    try {
      const [, , , , account, queueName] = delivery.destinationArn.split(':');
      const { QueueUrl } = await this.sqs.send(new GetQueueUrlCommand({ QueueName: queueName, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }));
      await this.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(delivery.record) }));
    } catch (error) {
      throw destinationError(this.type, delivery.destinationArn, error);
    }
  }
}
