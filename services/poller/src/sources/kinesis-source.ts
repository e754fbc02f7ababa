import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { listKinesisShards } from './kinesis-shard-list.js';
import { openKinesisShardReader } from './kinesis-shard-reader.js';
import { kinesisStreamIdentity } from './kinesis-stream-identity.js';
import type { ReadPosition, Shard, ShardReader, StreamSource } from './stream-source.js';

export interface KinesisSourceOptions {
  /** Lambda's `invokeIdentityArn` in each record; defaults to the sluice role of the stream's account. */
  readonly invokeIdentityArn?: string;
}

/**
 * A Kinesis data stream read with shared-throughput polling (GetRecords), as Lambda reads a stream
 * mapping without a consumer. https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 *
 * @example
 * const source = new KinesisSource(clients.kinesis, 'arn:aws:kinesis:us-east-1:000000000000:stream/orders');
 * const reader = await source.openReader('shardId-000000000000', { type: 'TRIM_HORIZON' });
 */
export class KinesisSource implements StreamSource {
  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamArn: string,
    private readonly options: KinesisSourceOptions = {},
  ) {}

  identity(): Promise<string> {
    return kinesisStreamIdentity(this.kinesis, this.streamArn);
  }

  listShards(): Promise<Shard[]> {
    return listKinesisShards(this.kinesis, this.streamArn);
  }

  openReader(shardId: string, position: ReadPosition): Promise<ShardReader> {
    return openKinesisShardReader({ kinesis: this.kinesis, streamArn: this.streamArn, shardId, ...this.options }, position);
  }
}
