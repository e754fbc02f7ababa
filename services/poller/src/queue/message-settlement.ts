import type { QueueBatchOutcome, QueueMessage } from '@sluice/shared';

export interface Settlement {
  /** Done with: deleted from the queue. */
  readonly delete: QueueMessage[];
  /** Left in the queue, to come back after their visibility timeout (and to its DLQ in time). */
  readonly keep: QueueMessage[];
}

/**
 * What a finished batch does to its messages: success deletes them all, a failure leaves them
 * all, and under ReportBatchItemFailures every message but the listed ones is deleted.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * On a FIFO queue a message after a failed one of its own MessageGroupId is kept too, listed or
 * not: deleting it would let it overtake the failed one. AWS asks the function to list them
 * ("stop processing messages after the first failure"); Sluice does not rely on it, so order
 * holds within each group whatever the function answers.
 */
export function settle(batch: readonly QueueMessage[], outcome: QueueBatchOutcome, fifo: boolean): Settlement {
  switch (outcome.status) {
    case 'succeeded':
      return { delete: [...batch], keep: [] };
    case 'failed':
      return { delete: [], keep: [...batch] };
    case 'partial': {
      const failed = new Set(outcome.failedItemIdentifiers);
      const blockedGroups = new Set<string>();
      const result: Settlement = { delete: [], keep: [] };
      for (const message of batch) {
        const blocked = failed.has(message.messageId) || (fifo && message.groupId !== undefined && blockedGroups.has(message.groupId));
        if (blocked && message.groupId !== undefined) blockedGroups.add(message.groupId);
        (blocked ? result.keep : result.delete).push(message);
      }
      return result;
    }
  }
}
