import { buildSqsQueueMessage, type QueueMessage } from '@sluice/shared';

export const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
export const FIFO_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders.fifo';

/** A message as the queue source gives it (buildSqsQueueMessage), named `id`, in `groupId` if given. */
export function queueMessage(id: string, options: { readonly groupId?: string; readonly body?: string; readonly queueArn?: string } = {}): QueueMessage {
  return buildSqsQueueMessage(
    {
      MessageId: id,
      ReceiptHandle: `rh-${id}`,
      Body: options.body ?? `body ${id}`,
      MD5OfBody: 'md5',
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1', ...(options.groupId === undefined ? {} : { MessageGroupId: options.groupId }) },
    },
    { queueArn: options.queueArn ?? (options.groupId === undefined ? QUEUE_ARN : FIFO_QUEUE_ARN) },
  );
}

/** Message ids, for assertions. */
export function ids(messages: readonly QueueMessage[]): string[] {
  return messages.map((m) => m.messageId);
}
