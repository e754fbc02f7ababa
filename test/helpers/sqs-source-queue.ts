import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SQSClient,
  SendMessageBatchCommand,
  type QueueAttributeName,
} from '@aws-sdk/client-sqs';
import { REGION } from './kinesis-test-stream.js';
import { TEST_CREDENTIALS } from './sluice-lambda.js';
import { uniqueName } from './unique-name.js';
import { waitFor } from './wait-for.js';

export interface SourceQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  /** Sends bodies in batches of 10, in order (on a FIFO queue within `groupId`, deduplicated by content). */
  send(bodies: readonly string[], options?: { readonly groupId?: string }): Promise<void>;
  /** Visible plus in-flight messages (ApproximateNumberOfMessages + NotVisible). */
  depth(): Promise<{ visible: number; inFlight: number }>;
  delete(): Promise<unknown>;
}

/** An SQS client on moto server, signing with the test credentials. */
export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint });
}

/**
 * Creates a queue to map (moto server): standard, or FIFO when the name ends in .fifo, with the
 * given attributes (VisibilityTimeout, RedrivePolicy, ...).
 */
export async function createSourceQueue(sqs: SQSClient, name: string, attributes: Partial<Record<QueueAttributeName, string>> = {}): Promise<SourceQueue> {
  const fifo = name.endsWith('.fifo');
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: { ...(fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {}), ...attributes } }),
  );
  const url = QueueUrl!;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return {
    name,
    url,
    arn: Attributes!.QueueArn!,
    async send(bodies, options = {}) {
      for (let i = 0; i < bodies.length; i += 10) {
        const entries = bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          ...(fifo ? { MessageGroupId: options.groupId ?? 'g', MessageDeduplicationId: `${i + j}-${body}`.slice(0, 128) } : {}),
        }));
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
        if ((out.Failed ?? []).length > 0) throw new Error(`sending to ${name} failed: ${JSON.stringify(out.Failed)}`);
      }
    },
    async depth() {
      const { Attributes: a } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return { visible: Number(a?.ApproximateNumberOfMessages ?? 0), inFlight: Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0) };
    },
    delete: () => sqs.send(new DeleteQueueCommand({ QueueUrl: url })),
  };
}

/** uniqueName for a queue: a label ending in .fifo names a FIFO queue (the suffix stays last). */
export function uniqueQueueName(label: string): string {
  return label.endsWith('.fifo') ? `${uniqueName(label.slice(0, -5))}.fifo` : uniqueName(label);
}

/** Until the queue holds no message, visible or in flight (every one deleted). */
export async function waitForEmptyQueue(queue: SourceQueue, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () => {
      const depth = await queue.depth();
      return depth.visible === 0 && depth.inFlight === 0;
    },
    { timeoutMs, message: `${queue.name} never emptied` },
  );
}
