import { DescribeStreamConsumerCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { callAws } from './aws-error-classifier.js';
import { FanOutShardReader, type FanOutReaderOptions } from './kinesis-fan-out-shard-reader.js';
import { listKinesisShards } from './kinesis-shard-list.js';
import { kinesisStreamIdentity } from './kinesis-stream-identity.js';
import type { ReadPosition, Shard, ShardReader, StreamSource } from './stream-source.js';

/**
 * A Kinesis stream read through an enhanced fan-out consumer: the mapping's source ARN is the
 * consumer's (`arn:aws:kinesis:<region>:<account>:stream/<name>/consumer/<consumer>:<epoch>`), shards
 * and identity are the stream's, and each shard reader holds a SubscribeToShard subscription.
 * Records name the stream as their eventSourceARN, as for a plain stream mapping.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (stream consumers)
 */
export class KinesisConsumerSource implements StreamSource {
  private readonly streamArn: string;

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly consumerArn: string,
    private readonly options: FanOutReaderOptions = {},
  ) {
    this.streamArn = streamArnOfConsumer(consumerArn);
  }

  /** The stream's identity, once the consumer is known to exist (SOURCE_NOT_FOUND otherwise). */
  async identity(): Promise<string> {
    await callAws('Kinesis DescribeStreamConsumer', () => this.kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: this.consumerArn })));
    return kinesisStreamIdentity(this.kinesis, this.streamArn);
  }

  listShards(): Promise<Shard[]> {
    return listKinesisShards(this.kinesis, this.streamArn);
  }

  openReader(shardId: string, position: ReadPosition): Promise<ShardReader> {
    return FanOutShardReader.open({ kinesis: this.kinesis, consumerArn: this.consumerArn, streamArn: this.streamArn, shardId }, position, this.options);
  }
}

/** The stream ARN is the consumer ARN up to `/consumer/`. */
export function streamArnOfConsumer(consumerArn: string): string {
  const at = consumerArn.indexOf('/consumer/');
  return at === -1 ? consumerArn : consumerArn.slice(0, at);
}
