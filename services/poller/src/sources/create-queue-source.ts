import type { AwsClients, QueueSourceArn } from '@sluice/shared';
import type { QueueSource } from '../queue/queue-source.js';
import { SqsQueueSource } from '../queue/sqs-queue-source.js';

/** The QueueSource for a queue mapping's event source ARN: one case per queue kind. */
export function createQueueSource(sourceArn: QueueSourceArn, clients: AwsClients): QueueSource {
  switch (sourceArn.kind) {
    case 'sqs':
      return new SqsQueueSource(clients.sqs, sourceArn.arn);
  }
}
