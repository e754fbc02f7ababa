import { GetRecordsCommand, GetShardIteratorCommand, type GetShardIteratorCommandInput, type KinesisClient } from '@aws-sdk/client-kinesis';
import { buildKinesisStreamRecord, defaultInvokeIdentityArn } from '@sluice/shared';
import { callAws } from './aws-error-classifier.js';
import { withCallTimeout } from './call-timeout.js';
import { PollingShardReader, type RecordsPage, type ShardIteratorApi } from './polling-shard-reader.js';
import type { ReadPosition } from './stream-source.js';

/** GetRecords returns at most 10,000 records a call. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html */
export const KINESIS_MAX_RECORDS_PER_READ = 10_000;

export interface KinesisShardTarget {
  readonly kinesis: KinesisClient;
  readonly streamArn: string;
  readonly shardId: string;
  /** Lambda's `invokeIdentityArn` in each record; defaults to the sluice role of the stream's account. */
  readonly invokeIdentityArn?: string;
}

/** Opens a polling reader on one Kinesis shard (GetShardIterator, then GetRecords along NextShardIterator). */
export function openKinesisShardReader(target: KinesisShardTarget, position: ReadPosition): Promise<PollingShardReader> {
  return PollingShardReader.open(new KinesisShardIterators(target), position, { maxLimit: KINESIS_MAX_RECORDS_PER_READ });
}

/** The Kinesis GetShardIterator and GetRecords calls of one shard. */
export class KinesisShardIterators implements ShardIteratorApi {
  constructor(private readonly target: KinesisShardTarget) {}

  async getIterator(position: ReadPosition, signal?: AbortSignal): Promise<string | undefined> {
    const { kinesis, streamArn, shardId } = this.target;
    const input: GetShardIteratorCommandInput = { StreamARN: streamArn, ShardId: shardId, ...kinesisIteratorType(position) };
    const out = await callAws('Kinesis GetShardIterator', () => kinesis.send(new GetShardIteratorCommand(input), { abortSignal: withCallTimeout(signal) }), signal);
    return out.ShardIterator;
  }

  async getRecords(iterator: string, limit: number, signal?: AbortSignal): Promise<RecordsPage> {
    const { kinesis, streamArn, shardId, invokeIdentityArn } = this.target;
    const out = await callAws(
      'Kinesis GetRecords',
      () => kinesis.send(new GetRecordsCommand({ StreamARN: streamArn, ShardIterator: iterator, Limit: limit }), { abortSignal: withCallTimeout(signal) }),
      signal,
    );
    // The identity is the same for every record: derived once per read, not once per record.
    const context = { shardId, streamArn, invokeIdentityArn: invokeIdentityArn ?? defaultInvokeIdentityArn(streamArn) };
    return {
      records: (out.Records ?? []).map((record) => buildKinesisStreamRecord(record, context)),
      nextIterator: out.NextShardIterator ?? undefined,
      ...(out.MillisBehindLatest === undefined ? {} : { millisBehindLatest: out.MillisBehindLatest }),
    };
  }
}

/** ShardIteratorType and its companion field for a position. */
export function kinesisIteratorType(
  position: ReadPosition,
): Pick<GetShardIteratorCommandInput, 'ShardIteratorType' | 'StartingSequenceNumber' | 'Timestamp'> {
  switch (position.type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      return { ShardIteratorType: position.type };
    case 'AT_TIMESTAMP':
      return { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(position.timestampMs) };
    case 'AFTER_SEQUENCE_NUMBER':
      return { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position.sequenceNumber };
  }
}
