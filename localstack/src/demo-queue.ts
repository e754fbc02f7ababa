import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

export interface DemoQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/**
 * Makes sure the demo SQS queue exists (CreateQueue answers the existing queue's URL when the
 * attributes match) and reads its ARN, for the demo's second mapping. Its visibility timeout is
 * SQS's default (30 s), above the demo function's timeout, as Lambda requires.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
 */
export async function ensureDemoQueue(sqs: SQSClient, name: string): Promise<DemoQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { name, url: QueueUrl!, arn: Attributes!.QueueArn! };
}
