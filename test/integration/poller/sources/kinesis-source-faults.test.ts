import {
  ExpiredIteratorException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ErrorCode } from '@sluice/shared';
import { KinesisSource } from '../../../../services/poller/src/sources/kinesis-source.js';
import { KinesisShardIterators } from '../../../../services/poller/src/sources/kinesis-shard-reader.js';
import { uniqueName } from '../../../helpers/unique-name.js';
import { createStream, decode, deleteStream, injectFault, kinesisClient, putRecords, readAll, recordCalls } from './source-test-kit.js';

// Neither kinesis-local nor AWS (on demand) throttles or expires iterators in a test's time: these
// faults are injected by SDK middleware on a real client talking to the real kinesis-local.

const stack = inject('stack');
const SHARD = 'shardId-000000000000';
const meta = { message: 'injected', $metadata: {} };
const streams: string[] = [];
const clients: KinesisClient[] = [];
let admin: KinesisClient;

beforeAll(() => {
  admin = kinesisClient(stack.kinesisEndpoint);
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  await Promise.all(streams.map((name) => deleteStream(admin, name)));
  admin.destroy();
});

/** A fresh one-shard stream with `payloads` in it, and a source on a client of its own for the injection. */
async function streamWith(payloads: readonly string[]) {
  const name = uniqueName('fault');
  streams.push(name);
  const arn = await createStream(admin, name, 1);
  const put = await putRecords(admin, arn, payloads);
  const client = kinesisClient(stack.kinesisEndpoint);
  clients.push(client);
  return { arn, put, client, calls: recordCalls(client), source: new KinesisSource(client, arn) };
}

const payloads = (n: number) => Array.from({ length: n }, (_, i) => `r${i}`);
const iteratorRequests = (calls: { commandName: string; input: Record<string, unknown> }[]) =>
  calls
    .filter((c) => c.commandName === 'GetShardIteratorCommand')
    .map(({ input }) => ({ type: input.ShardIteratorType, sequenceNumber: input.StartingSequenceNumber, timestamp: input.Timestamp }));

describe('Kinesis shard reader with injected faults', () => {
  it('injected ExpiredIteratorException on one GetRecords: renews just after the last record returned and loses or repeats nothing', async () => {
    // Arrange
    const { put, client, calls, source } = await streamWith(payloads(10));
    const reader = await source.openReader(SHARD, { type: 'TRIM_HORIZON' });
    const before = await reader.read(4);
    injectFault(client, 'GetRecordsCommand', () => new ExpiredIteratorException(meta));

    // Act
    const after = await readAll(reader, { count: 6 });

    // Assert
    expect([...before.records, ...after.records].map(decode)).toEqual(payloads(10));
    expect(iteratorRequests(calls)).toEqual([
      { type: 'TRIM_HORIZON', sequenceNumber: undefined, timestamp: undefined },
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: put[3]!.SequenceNumber, timestamp: undefined },
    ]);
  });

  it('injected ExpiredIteratorException before any record was returned: renews at the start position (AT_TIMESTAMP), not TRIM_HORIZON', async () => {
    // Arrange
    const { arn, client, calls, source } = await streamWith(['old']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const reader = await source.openReader(SHARD, { type: 'AT_TIMESTAMP', timestampMs: start });
    await putRecords(admin, arn, ['new-1', 'new-2']);
    injectFault(client, 'GetRecordsCommand', () => new ExpiredIteratorException(meta));

    // Act
    const { records } = await readAll(reader, { count: 2 });

    // Assert
    expect(records.map(decode)).toEqual(['new-1', 'new-2']);
    const requests = iteratorRequests(calls);
    expect(requests).toHaveLength(2);
    expect(requests[1]).toEqual(requests[0]);
    expect(requests[1]).toMatchObject({ type: 'AT_TIMESTAMP', timestamp: new Date(start) });
  });

  it('injected ExpiredIteratorException twice in a row: throws ITERATOR_EXPIRED (retryable), and the next read renews and goes on', async () => {
    // Arrange
    const { client, source } = await streamWith(payloads(3));
    const reader = await source.openReader(SHARD, { type: 'TRIM_HORIZON' });
    const first = await reader.read(1);
    injectFault(client, 'GetRecordsCommand', () => new ExpiredIteratorException(meta), 2);

    // Act
    const failed = reader.read(10);

    // Assert
    await expect(failed).rejects.toMatchObject({ code: ErrorCode.IteratorExpired, retryable: true });
    const rest = await readAll(reader, { count: 2 });
    expect([...first.records, ...rest.records].map(decode)).toEqual(payloads(3));
  });

  it('injected ProvisionedThroughputExceededException: throws SOURCE_THROTTLED (retryable) and the next read loses nothing', async () => {
    // Arrange
    const { client, source } = await streamWith(payloads(5));
    const reader = await source.openReader(SHARD, { type: 'TRIM_HORIZON' });
    const first = await reader.read(2);
    injectFault(client, 'GetRecordsCommand', () => new ProvisionedThroughputExceededException(meta));

    // Act
    const failed = reader.read(10);

    // Assert
    await expect(failed).rejects.toMatchObject({ code: ErrorCode.SourceThrottled, retryable: true });
    const rest = await readAll(reader, { count: 3 });
    expect([...first.records, ...rest.records].map(decode)).toEqual(payloads(5));
  });

  it('injected LimitExceededException on ListShards and GetShardIterator: throws SOURCE_THROTTLED', async () => {
    // Arrange
    const { client, source } = await streamWith([]);
    injectFault(client, 'ListShardsCommand', () => new LimitExceededException(meta));
    injectFault(client, 'GetShardIteratorCommand', () => new LimitExceededException(meta));

    // Act / Assert
    await expect(source.listShards()).rejects.toMatchObject({ code: ErrorCode.SourceThrottled, retryable: true });
    await expect(source.openReader(SHARD, { type: 'LATEST' })).rejects.toMatchObject({ code: ErrorCode.SourceThrottled, retryable: true });
    expect(await source.listShards()).toHaveLength(1);
  });

  it('injected TrimmedDataAccessException: throws SOURCE_TRIMMED (not retryable)', async () => {
    // Arrange
    const { client, source } = await streamWith(payloads(1));
    const reader = await source.openReader(SHARD, { type: 'TRIM_HORIZON' });
    injectFault(client, 'GetRecordsCommand', () => new TrimmedDataAccessException(meta));

    // Act / Assert
    await expect(reader.read(10)).rejects.toMatchObject({ code: ErrorCode.SourceTrimmed, retryable: false });
  });

  it('injected socket timeout: throws SOURCE_TRANSIENT (retryable)', async () => {
    // Arrange
    const { client, source } = await streamWith(payloads(1));
    const reader = await source.openReader(SHARD, { type: 'TRIM_HORIZON' });
    injectFault(client, 'GetRecordsCommand', () => Object.assign(new Error('injected: socket timed out'), { name: 'TimeoutError' }));

    // Act / Assert
    await expect(reader.read(10)).rejects.toMatchObject({ code: ErrorCode.SourceTransient, retryable: true });
    expect((await readAll(reader, { count: 1 })).records.map(decode)).toEqual(['r0']);
  });

  it("kinesis-local's real HTTP 500 for an iterator it cannot read: SOURCE_TRANSIENT", async () => {
    // Arrange
    const { arn, client } = await streamWith([]);
    const api = new KinesisShardIterators({ kinesis: client, streamArn: arn, shardId: SHARD });

    // Act / Assert
    await expect(api.getRecords('not-an-iterator', 10)).rejects.toMatchObject({ code: ErrorCode.SourceTransient, retryable: true });
  });

  it('a caller abort is thrown as the signal reason, unclassified, and the reader keeps its place', async () => {
    // Arrange
    const { source } = await streamWith(payloads(2));
    const reader = await source.openReader(SHARD, { type: 'TRIM_HORIZON' });
    const controller = new AbortController();
    const reason = new Error('poller stopping');
    controller.abort(reason);

    // Act / Assert
    await expect(reader.read(10, controller.signal)).rejects.toBe(reason);
    expect((await readAll(reader, { count: 2 })).records.map(decode)).toEqual(payloads(2));
  });
});
