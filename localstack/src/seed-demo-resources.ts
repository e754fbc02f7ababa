import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceInUseException as KinesisResourceInUse,
  ResourceNotFoundException as KinesisResourceNotFound,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  ResourceInUseException as DynamoResourceInUse,
  ResourceNotFoundException as DynamoResourceNotFound,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ensureDemoQueue, type DemoQueue } from './demo-queue.js';
import { pollUntil } from './poll-until.js';
import { DEMO_NAME } from './demo-names.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface SeedDemoOptions {
  /** Pointed at whichever Kinesis the demo runs on: kinesis-local, LocalStack or AWS. */
  readonly kinesis: KinesisClient;
  /** Only when a DynamoDB endpoint is available; without it no table is made. */
  readonly dynamodb?: DynamoDBClient | undefined;
  /** Only when an SQS endpoint is available; without it no queue is made. */
  readonly sqs?: SQSClient | undefined;
  readonly queueName?: string;
  readonly streamName?: string;
  readonly tableName?: string;
  /** Two shards show per-shard ordering in the demo and still start in milliseconds. */
  readonly shardCount?: number;
  readonly timeoutMs?: number;
}

export interface DemoResources {
  readonly streamName: string;
  readonly streamArn: string;
  readonly tableName?: string;
  /** The table's DynamoDB stream, for a second mapping. */
  readonly tableStreamArn?: string;
  /** The demo SQS queue, for the queue mapping. */
  readonly queue?: DemoQueue;
}

/**
 * Makes sure the demo stream (and table) exist and are ACTIVE. Idempotent: safe to run on every
 * start and against an already seeded LocalStack.
 */
export async function seedDemoResources(options: SeedDemoOptions): Promise<DemoResources> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const streamName = options.streamName ?? DEMO_NAME;
  const streamArn = await ensureStream(options.kinesis, streamName, options.shardCount ?? 2, timeoutMs);
  const queue = options.sqs === undefined ? undefined : await ensureDemoQueue(options.sqs, options.queueName ?? DEMO_NAME);
  const withQueue = queue === undefined ? {} : { queue };
  if (options.dynamodb === undefined) return { streamName, streamArn, ...withQueue };

  const tableName = options.tableName ?? DEMO_NAME;
  const table = await ensureTable(options.dynamodb, tableName, timeoutMs);
  return { streamName, streamArn, tableName, tableStreamArn: table.LatestStreamArn!, ...withQueue };
}

/** A demo resource whose service is not there, and what it answered (or that it did not). */
export interface SkippedDemoResource {
  readonly service: 'Kinesis' | 'DynamoDB';
  readonly resource: string;
  readonly reason: string;
}

/** What seedAvailableDemoResources made, and what it skipped. */
export interface AvailableDemoResources {
  readonly stream?: { readonly name: string; readonly arn: string };
  readonly table?: { readonly name: string; readonly streamArn: string };
  readonly skipped: readonly SkippedDemoResource[];
}

/**
 * As seedDemoResources, but a resource whose service is not there is skipped rather than failing
 * the rest: no answer at all (refused, timed out) or a 5xx, as from a LocalStack started without
 * that service ("Service 'dynamodb' is not enabled") or one that cannot start it offline. An answer
 * the caller must act on (a 4xx such as AccessDenied, a table with the wrong stream type) throws.
 */
export async function seedAvailableDemoResources(options: SeedDemoOptions): Promise<AvailableDemoResources> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const streamName = options.streamName ?? DEMO_NAME;
  const tableName = options.tableName ?? DEMO_NAME;
  const [stream, table] = await Promise.all([
    ensureStream(options.kinesis, streamName, options.shardCount ?? 2, timeoutMs).then(
      (arn) => ({ name: streamName, arn }),
      (error: unknown) => skipped(error, 'Kinesis', streamName),
    ),
    options.dynamodb === undefined
      ? undefined
      : ensureTable(options.dynamodb, tableName, timeoutMs).then(
          (description) => ({ name: tableName, streamArn: description.LatestStreamArn! }),
          (error: unknown) => skipped(error, 'DynamoDB', tableName),
        ),
  ]);
  return {
    ...(stream === undefined || 'reason' in stream ? {} : { stream }),
    ...(table === undefined || 'reason' in table ? {} : { table }),
    skipped: [stream, table].filter((part): part is SkippedDemoResource => part !== undefined && 'reason' in part),
  };
}

/** The skip of a resource whose service is not there; rethrows any other failure. */
function skipped(error: unknown, service: SkippedDemoResource['service'], resource: string): SkippedDemoResource {
  if (error instanceof LocalStackError) throw error;
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500) throw error;
  return { service, resource, reason: error instanceof Error ? error.message : String(error) };
}

async function ensureStream(kinesis: KinesisClient, streamName: string, shardCount: number, timeoutMs: number) {
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  } catch (error) {
    if (!(error instanceof KinesisResourceInUse)) throw error;
  }
  return pollUntil(
    async () => {
      const { StreamDescriptionSummary: summary } = await kinesis
        .send(new DescribeStreamSummaryCommand({ StreamName: streamName }))
        .catch((error: unknown) => {
          // Right after CreateStream some emulators do not list the stream yet.
          if (error instanceof KinesisResourceNotFound) return { StreamDescriptionSummary: undefined };
          throw error;
        });
      return summary?.StreamStatus === 'ACTIVE' ? summary.StreamARN : undefined;
    },
    { description: `Kinesis stream ${streamName} to be ACTIVE`, timeoutMs, intervalMs: 200 },
  );
}

async function ensureTable(dynamodb: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const existing = await describeTable(dynamodb, tableName);
  if (existing === undefined) {
    await createTable(dynamodb, tableName);
  } else if (existing.StreamSpecification?.StreamEnabled !== true) {
    // A table someone made by hand without a stream: the demo needs one, so turn it on.
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  }
  const table = await pollUntil(
    async () => {
      const description = await describeTable(dynamodb, tableName);
      return description?.TableStatus === 'ACTIVE' && description.LatestStreamArn !== undefined ? description : undefined;
    },
    { description: `DynamoDB table ${tableName} to be ACTIVE with a stream`, timeoutMs, intervalMs: 200 },
  );
  if (table.StreamSpecification?.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
    throw new LocalStackError(
      LocalStackErrorCode.DemoSetupFailed,
      `DynamoDB table ${tableName} already has a ${table.StreamSpecification?.StreamViewType} stream; ` +
        'the demo needs NEW_AND_OLD_IMAGES: delete the table and seed again',
    );
  }
  return table;
}

async function createTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  } catch (error) {
    // Another seeder got there first: just as good.
    if (!(error instanceof DynamoResourceInUse)) throw error;
  }
}

async function describeTable(dynamodb: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof DynamoResourceNotFound) return undefined;
    throw error;
  }
}
