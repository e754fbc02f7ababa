import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type MessageSystemAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ErrorCode, SluiceError, buildSqsQueueMessage, parseSourceArn, type QueueMessage } from '@sluice/shared';
import { callAws } from '../sources/aws-error-classifier.js';
import type { QueueAttributes, QueueSource, ReceiveRequest } from './queue-source.js';

/** DeleteMessageBatch and ChangeMessageVisibilityBatch take at most 10 entries a call. */
const BATCH_ENTRIES = 10;

/**
 * The system attributes Lambda's records carry: the four of every message, the three a FIFO
 * queue adds, the X-Ray header and the source of a redriven message.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example events)
 */
const SYSTEM_ATTRIBUTES: MessageSystemAttributeName[] = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

/**
 * QueueSource on Amazon SQS (or LocalStack, or moto). The queue URL is looked up once
 * (GetQueueUrl by name and owner account, so the same code works against AWS and emulators).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export class SqsQueueSource implements QueueSource {
  private readonly name: string;
  private readonly account: string;
  private queueUrl: Promise<string> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueArn: string,
  ) {
    const parsed = parseSourceArn(queueArn);
    if (parsed?.kind !== 'sqs') throw new SluiceError(ErrorCode.SourceInvalid, `not an SQS queue ARN: ${queueArn}`);
    this.name = parsed.name;
    this.account = parsed.account;
  }

  async receive(request: ReceiveRequest): Promise<QueueMessage[]> {
    const QueueUrl = await this.url();
    const out = await callAws('SQS ReceiveMessage', () =>
      this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: request.maxMessages,
          WaitTimeSeconds: request.waitSeconds,
          ...(request.visibilityTimeoutSeconds === undefined ? {} : { VisibilityTimeout: request.visibilityTimeoutSeconds }),
          MessageSystemAttributeNames: SYSTEM_ATTRIBUTES,
          MessageAttributeNames: ['All'],
        }),
      ),
    );
    return (out.Messages ?? []).map((message) => buildSqsQueueMessage(message, { queueArn: this.queueArn }));
  }

  async delete(messages: readonly QueueMessage[]): Promise<QueueMessage[]> {
    const QueueUrl = await this.url();
    const failed = await Promise.all(
      chunks(messages).map(async (chunk) => {
        const out = await callAws('SQS DeleteMessageBatch', () =>
          this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })) })),
        );
        return (out.Failed ?? []).map((entry) => chunk[Number(entry.Id)]!);
      }),
    );
    return failed.flat();
  }

  async changeVisibility(messages: readonly QueueMessage[], seconds: number): Promise<void> {
    const QueueUrl = await this.url();
    await Promise.all(
      chunks(messages).map((chunk) =>
        callAws('SQS ChangeMessageVisibilityBatch', () =>
          this.sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl,
              Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle, VisibilityTimeout: seconds })),
            }),
          ),
        ),
      ),
    );
  }

  async attributes(): Promise<QueueAttributes> {
    const QueueUrl = await this.url();
    const out = await callAws('SQS GetQueueAttributes', () =>
      this.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout', 'ApproximateNumberOfMessages'] })),
    );
    return {
      visibilityTimeoutSeconds: Number(out.Attributes?.VisibilityTimeout ?? 30),
      backlog: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
    };
  }

  /** The queue's URL, looked up once; a failed lookup is tried again next time. */
  private url(): Promise<string> {
    this.queueUrl ??= callAws('SQS GetQueueUrl', async () => {
      const out = await this.sqs.send(new GetQueueUrlCommand({ QueueName: this.name, QueueOwnerAWSAccountId: this.account }));
      return out.QueueUrl!;
    }).catch((error: unknown) => {
      this.queueUrl = undefined;
      throw error;
    });
    return this.queueUrl;
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_ENTRIES) out.push(items.slice(i, i + BATCH_ENTRIES));
  return out;
}
