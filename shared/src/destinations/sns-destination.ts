import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DestinationType, type Destination, type DestinationDelivery } from './destination.js';
import { destinationError } from './destination-error.js';

/**
 * SNS destination: Publish with the record as the message (stream failure records: metadata only).
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class SnsDestination implements Destination {
  readonly type = DestinationType.Sns;

  constructor(private readonly sns: SNSClient) {}

  async deliver(delivery: DestinationDelivery): Promise<void> {
    try {
      await this.sns.send(new PublishCommand({ TopicArn: delivery.destinationArn, Message: JSON.stringify(delivery.record) }));
    } catch (error) {
      throw destinationError(this.type, delivery.destinationArn, error);
    }
  }
}
