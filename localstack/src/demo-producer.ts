import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@sluice/shared';

export interface DemoProducerOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** When given, each tick also sends a message to the demo queue. */
  readonly sqs?: SQSClient | undefined;
  readonly queueUrl?: string | undefined;
  /** When given, each tick also writes an item, so the table's stream has records too. */
  readonly dynamodb?: DynamoDBClient | undefined;
  readonly tableName?: string | undefined;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** The producer runs until this aborts, then resolves. */
  readonly signal: AbortSignal;
}

// Items cycle through a few ids so the table's stream shows MODIFY records, not only INSERTs.
const DEMO_ITEM_IDS = 5;

/**
 * Puts one small JSON record per tick to the demo stream (and the queue, and the table, when given) until `signal` aborts. A failed put is
 * logged and the next tick tries again: the demo must survive an emulator hiccup.
 */
export async function runDemoProducer(options: DemoProducerOptions): Promise<void> {
  const logger = options.logger.child({ component: 'demo-producer' });
  for (let sequence = 1; !options.signal.aborted; sequence += 1) {
    const record = { sequence, message: `hello from the Sluice demo #${sequence}`, producedAt: new Date().toISOString() };
    try {
      await produce(options, record);
      logger.info({ sequence }, 'demo record produced');
    } catch (error) {
      if (options.signal.aborted) break;
      logger.warn({ err: error, sequence }, 'demo record not produced');
    }
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      break; // aborted while waiting: the only way sleep rejects here
    }
  }
}

async function produce(options: DemoProducerOptions, record: { sequence: number; message: string; producedAt: string }) {
  await options.kinesis.send(
    new PutRecordCommand({
      StreamName: options.streamName,
      PartitionKey: `demo-${record.sequence % 2}`,
      Data: Buffer.from(JSON.stringify(record)),
    }),
    { abortSignal: options.signal },
  );
  if (options.sqs !== undefined && options.queueUrl !== undefined) {
    await options.sqs.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(record) }), { abortSignal: options.signal });
  }
  if (options.dynamodb === undefined || options.tableName === undefined) return;
  await options.dynamodb.send(
    new PutItemCommand({
      TableName: options.tableName,
      Item: {
        id: { S: `demo-${record.sequence % DEMO_ITEM_IDS}` },
        sequence: { N: String(record.sequence) },
        message: { S: record.message },
        producedAt: { S: record.producedAt },
      },
    }),
    { abortSignal: options.signal },
  );
}
