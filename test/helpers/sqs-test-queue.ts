import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { waitFor } from './wait-for.js';

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
  /** Deletes the queue; for afterAll/afterEach cleanups. */
  delete(): Promise<unknown>;
}

/** Creates an SQS queue (moto server) named `name` and reads its ARN, as an on-failure or on-success destination. */
export async function createTestQueue(sqs: SQSClient, name: string): Promise<TestQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn!, delete: () => sqs.send(new DeleteQueueCommand({ QueueUrl })) };
}

export interface ReceiveOptions {
  /** Keep receiving until at least this many messages arrived (default 1). */
  readonly atLeast?: number;
  /** ReceiveMessage's long-poll wait per call (default 0). */
  readonly waitTimeSeconds?: number;
  readonly timeoutMs?: number;
  readonly message?: string;
}

/**
 * Receives from a queue until `atLeast` messages have arrived and returns their bodies parsed as
 * JSON, in the order received (every message of the last receive, so possibly more than `atLeast`).
 */
export async function receiveJsonMessages(sqs: SQSClient, url: string, options: ReceiveOptions = {}): Promise<unknown[]> {
  const atLeast = options.atLeast ?? 1;
  const bodies: unknown[] = [];
  await waitFor(
    async () => {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: options.waitTimeSeconds ?? 0 }));
      for (const m of Messages ?? []) bodies.push(JSON.parse(m.Body!));
      return bodies.length >= atLeast;
    },
    { timeoutMs: options.timeoutMs, message: options.message ?? `${atLeast} messages in ${url}` },
  );
  return bodies;
}
