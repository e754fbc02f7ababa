import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-dynamodb-streams';
import { ErrorCode, SluiceError, buildDynamoDbStreamRecord } from '@sluice/shared';
import { callAws } from './aws-error-classifier.js';
import { withCallTimeout } from './call-timeout.js';
import { PollingShardReader, type RecordsPage, type ShardIteratorApi } from './polling-shard-reader.js';
import type { ReadPosition } from './stream-source.js';

/** GetRecords returns at most 1,000 records a call. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html */
export const DYNAMODB_MAX_RECORDS_PER_READ = 1_000;

export interface DynamoDbShardTarget {
  readonly streams: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly shardId: string;
}

/** Opens a polling reader on one DynamoDB Streams shard. */
export function openDynamoDbShardReader(target: DynamoDbShardTarget, position: ReadPosition): Promise<PollingShardReader> {
  return PollingShardReader.open(new DynamoDbShardIterators(target), position, { maxLimit: DYNAMODB_MAX_RECORDS_PER_READ });
}

/** The DynamoDB Streams GetShardIterator and GetRecords calls of one shard. */
export class DynamoDbShardIterators implements ShardIteratorApi {
  constructor(private readonly target: DynamoDbShardTarget) {}

  async getIterator(position: ReadPosition, signal?: AbortSignal): Promise<string | undefined> {
    const { streams, streamArn, shardId } = this.target;
    const input: GetShardIteratorCommandInput = { StreamArn: streamArn, ShardId: shardId, ...dynamoDbIteratorType(position) };
    const out = await callAws('DynamoDB Streams GetShardIterator', () => streams.send(new GetShardIteratorCommand(input), { abortSignal: withCallTimeout(signal) }), signal);
    return out.ShardIterator;
  }

  async getRecords(iterator: string, limit: number, signal?: AbortSignal): Promise<RecordsPage> {
    const { streams, streamArn } = this.target;
    const out = await callAws(
      'DynamoDB Streams GetRecords',
      () => streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: withCallTimeout(signal) }),
      signal,
    );
    return {
      records: (out.Records ?? []).map((record) => buildDynamoDbStreamRecord(record, { streamArn })),
      nextIterator: out.NextShardIterator ?? undefined,
    };
  }
}

/**
 * ShardIteratorType and its sequence number for a position. DynamoDB Streams has no AT_TIMESTAMP
 * (Lambda refuses it for DynamoDB mappings before a reader is ever opened), so asking for one is a
 * bug upstream: SOURCE_INVALID.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
export function dynamoDbIteratorType(position: ReadPosition): Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'SequenceNumber'> {
  switch (position.type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      return { ShardIteratorType: position.type };
    case 'AFTER_SEQUENCE_NUMBER':
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.sequenceNumber };
    case 'AT_TIMESTAMP':
      throw new SluiceError(ErrorCode.SourceInvalid, 'DynamoDB Streams has no AT_TIMESTAMP position');
  }
}
