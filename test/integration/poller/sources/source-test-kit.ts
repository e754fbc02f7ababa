import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  PutRecordCommand,
  type KinesisClient,
  type PutRecordCommandOutput,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import type { StreamRecord } from '@sluice/shared';
import type { ShardReader } from '../../../../services/poller/src/sources/stream-source.js';
import { waitFor } from '../../../helpers/wait-for.js';

export { kinesisClient } from '../../../helpers/kinesis-test-stream.js';

// Shared by the stream-source integration tests (kinesis-local and moto of the global stack).

const clientOptions = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  requestHandler: new NodeHttpHandler(),
});

export const dynamoDbClient = (endpoint: string) => new DynamoDBClient(clientOptions(endpoint));
export const dynamoDbStreamsClient = (endpoint: string) => new DynamoDBStreamsClient(clientOptions(endpoint));

/** A fresh small stream, ACTIVE; returns its ARN. */
export async function createStream(kinesis: KinesisClient, name: string, shardCount: number): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  return waitForActive(kinesis, name);
}

/** Waits until the stream is ACTIVE (after a create, split or merge) and returns its ARN. */
export async function waitForActive(kinesis: KinesisClient, name: string): Promise<string> {
  return waitFor(
    async () => {
      const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
      return summary?.StreamStatus === 'ACTIVE' ? summary.StreamARN : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 20, message: `stream ${name} never became ACTIVE` },
  );
}

export async function deleteStream(kinesis: KinesisClient, name: string): Promise<void> {
  await kinesis.send(new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true })).catch(() => undefined);
}

/** Puts one record per payload, one call each so the order of sequence numbers is the order given. */
export async function putRecords(
  kinesis: KinesisClient,
  streamArn: string,
  payloads: readonly string[],
  partitionKey: (index: number) => string = (index) => `pk-${index % 3}`,
  explicitHashKey?: string,
): Promise<PutRecordCommandOutput[]> {
  const out: PutRecordCommandOutput[] = [];
  for (const [index, payload] of payloads.entries()) {
    out.push(
      await kinesis.send(
        new PutRecordCommand({
          StreamARN: streamArn,
          PartitionKey: partitionKey(index),
          Data: Buffer.from(payload),
          ...(explicitHashKey === undefined ? {} : { ExplicitHashKey: explicitHashKey }),
        }),
      ),
    );
  }
  return out;
}

export const decode = (record: StreamRecord) => Buffer.from((record.lambdaRecord.kinesis as { data: string }).data, 'base64').toString();

/**
 * Reads until `count` records came, or the shard ended, or `timeoutMs` passed; returns what came
 * and whether the shard ended.
 */
export async function readAll(
  reader: ShardReader,
  options: { readonly count?: number; readonly limit?: number; readonly timeoutMs?: number } = {},
): Promise<{ records: StreamRecord[]; shardEnded: boolean }> {
  const records: StreamRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const read = await reader.read(options.limit ?? 1000);
    records.push(...read.records);
    if (read.shardEnded) return { records, shardEnded: true };
    if (options.count !== undefined && records.length >= options.count) return { records, shardEnded: false };
    if (Date.now() > deadline) return { records, shardEnded: false };
    if (read.records.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The AWS SDK clients the source tests inject faults into. */
export type SdkClient = KinesisClient | DynamoDBStreamsClient;

function addInitializeMiddleware(client: SdkClient, middleware: InitializeMiddleware<object, object>, name: string): void {
  // Both clients' stacks accept any initialize middleware; their own input/output unions only narrow the types.
  (client.middlewareStack as unknown as MiddlewareStack<object, object>).add(middleware, { step: 'initialize', name, priority: 'high' });
}

/**
 * Fault injection on a real client: the next `times` calls of `commandName` throw `fault()` before
 * the request leaves, as if the SDK had given up with that error (it sits above the SDK's retries).
 * Returns the calls seen of each command, in order, with their input.
 */
export function injectFault(client: SdkClient, commandName: string, fault: () => Error, times = 1): { remaining(): number } {
  let remaining = times;
  addInitializeMiddleware(
    client,
    (next, context) => async (args) => {
      if (context.commandName === commandName && remaining > 0) {
        remaining -= 1;
        throw fault();
      }
      return next(args);
    },
    `injectFault-${commandName}-${Math.random()}`,
  );
  return { remaining: () => remaining };
}

/** Fault injection on a real client: every `every`-th call of `commandName` throws `fault()` (the 3rd, 6th, ...). */
export function injectFaultEvery(client: SdkClient, commandName: string, fault: () => Error, every: number): { injected(): number } {
  let calls = 0;
  let injected = 0;
  addInitializeMiddleware(
    client,
    (next, context) => async (args) => {
      if (context.commandName === commandName && ++calls % every === 0) {
        injected += 1;
        throw fault();
      }
      return next(args);
    },
    `injectFaultEvery-${commandName}-${Math.random()}`,
  );
  return { injected: () => injected };
}

/** Records the input of every call the client sends, by command name, and when it was sent (performance.now()). */
export function recordCalls(client: SdkClient): { commandName: string; input: Record<string, unknown>; at: number }[] {
  const calls: { commandName: string; input: Record<string, unknown>; at: number }[] = [];
  addInitializeMiddleware(
    client,
    (next, context) => async (args) => {
      calls.push({ commandName: context.commandName ?? '', input: args.input as Record<string, unknown>, at: performance.now() });
      return next(args);
    },
    `recordCalls-${Math.random()}`,
  );
  return calls;
}

/**
 * Rewrites the event stream of each SubscribeToShard answer the client receives (fault injection on
 * a real subscription): `transform` gets the real events and the number of the subscription (0, 1, ...).
 */
export function transformSubscriptions(
  client: KinesisClient,
  transform: (events: AsyncIterable<SubscribeToShardEventStream>, subscription: number) => AsyncIterable<SubscribeToShardEventStream>,
): void {
  let subscriptions = 0;
  addInitializeMiddleware(
    client,
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== 'SubscribeToShardCommand') return result;
      const output = result.output as { EventStream?: AsyncIterable<SubscribeToShardEventStream> };
      if (output.EventStream !== undefined) output.EventStream = transform(output.EventStream, subscriptions++);
      return result;
    },
    `transformSubscriptions-${Math.random()}`,
  );
}

/** The first `count` events of a subscription, then its end (as when a 5-minute subscription expires). */
export async function* firstEvents(events: AsyncIterable<SubscribeToShardEventStream>, count: number): AsyncIterable<SubscribeToShardEventStream> {
  if (count <= 0) return;
  let seen = 0;
  for await (const event of events) {
    yield event;
    if (++seen >= count) return;
  }
}
