import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DestinationType, type Destination, type FailureDelivery } from './destination.js';
import { destinationError } from './destination-error.js';

/**
 * SQS on-failure destination: SendMessage with the failure record as the body (metadata only; the
 * records stay in the stream). The queue URL is looked up from the ARN on every delivery, so a
 * queue created after an outage is found.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class SqsDestination implements Destination {
  readonly type = DestinationType.Sqs;

  constructor(private readonly sqs: SQSClient) {}

  async deliver(delivery: FailureDelivery): Promise<void> {
    try {
      const [, , , , account, queueName] = delivery.destinationArn.split(':');
      const { QueueUrl } = await this.sqs.send(new GetQueueUrlCommand({ QueueName: queueName, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }));
      await this.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(delivery.record) }));
    } catch (error) {
      throw destinationError(this.type, delivery.destinationArn, error);
    }
  }
}
