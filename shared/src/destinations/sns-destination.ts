import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DestinationType, type Destination, type FailureDelivery } from './destination.js';
import { destinationError } from './destination-error.js';

/**
 * SNS on-failure destination: Publish with the failure record as the message (metadata only).
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class SnsDestination implements Destination {
  readonly type = DestinationType.Sns;

  constructor(private readonly sns: SNSClient) {}

  async deliver(delivery: FailureDelivery): Promise<void> {
    try {
      await this.sns.send(new PublishCommand({ TopicArn: delivery.destinationArn, Message: JSON.stringify(delivery.record) }));
    } catch (error) {
      throw destinationError(this.type, delivery.destinationArn, error);
    }
  }
}
