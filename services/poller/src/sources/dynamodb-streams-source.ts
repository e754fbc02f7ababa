import { DescribeStreamCommand, type DescribeStreamCommandOutput, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { callAws } from './aws-error-classifier.js';
import { openDynamoDbShardReader } from './dynamodb-streams-shard-reader.js';
import type { ReadPosition, Shard, ShardReader, StreamSource } from './stream-source.js';

type StreamDescription = NonNullable<DescribeStreamCommandOutput['StreamDescription']>;

/**
 * A DynamoDB stream, read as Lambda reads a DynamoDB mapping (GetRecords per shard).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 *
 * Its identity is the stream ARN: the label at its end is the stream's creation time, so a table
 * deleted and created again (or a stream disabled and enabled) has a new ARN. Emulators may answer
 * for the table's current stream whatever label was asked (moto does); then the label the service
 * reports differs from the ARN's, and the stream this ARN names is treated as gone (SOURCE_NOT_FOUND)
 * rather than reading a newer stream under an old mapping (aws-facts.md 5.7).
 */
export class DynamoDbStreamsSource implements StreamSource {
  private readonly label: string;

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
  ) {
    this.label = streamArn.slice(streamArn.lastIndexOf('/stream/') + '/stream/'.length);
  }

  async identity(): Promise<string> {
    await this.describe(undefined, 1);
    return this.streamArn;
  }

  /**
   * DescribeStream pages through shards with ExclusiveStartShardId = LastEvaluatedShardId.
   * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_DescribeStream.html
   */
  async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let startAfter: string | undefined;
    do {
      const description = await this.describe(startAfter);
      for (const shard of description.Shards ?? []) {
        const ending = shard.SequenceNumberRange?.EndingSequenceNumber;
        shards.push({
          shardId: shard.ShardId!,
          parentShardIds: shard.ParentShardId === undefined ? [] : [shard.ParentShardId],
          ...(ending === undefined ? {} : { endingSequenceNumber: ending }),
        });
      }
      startAfter = description.LastEvaluatedShardId;
    } while (startAfter !== undefined);
    return shards;
  }

  openReader(shardId: string, position: ReadPosition): Promise<ShardReader> {
    return openDynamoDbShardReader({ streams: this.streams, streamArn: this.streamArn, shardId }, position);
  }

  private async describe(exclusiveStartShardId?: string, limit?: number): Promise<StreamDescription> {
    const out = await callAws('DynamoDB Streams DescribeStream', () =>
      this.streams.send(
        new DescribeStreamCommand({
          StreamArn: this.streamArn,
          ...(exclusiveStartShardId === undefined ? {} : { ExclusiveStartShardId: exclusiveStartShardId }),
          ...(limit === undefined ? {} : { Limit: limit }),
        }),
      ),
    );
    const description = out.StreamDescription;
    if (description === undefined) throw new SluiceError(ErrorCode.SourceInvalid, `DynamoDB Streams DescribeStream: no StreamDescription for ${this.streamArn}`);
    if (description.StreamLabel !== undefined && description.StreamLabel !== this.label) {
      throw new SluiceError(
        ErrorCode.SourceNotFound,
        `DynamoDB Streams DescribeStream: ${this.streamArn} no longer exists (the table's stream is now ${description.StreamLabel})`,
      );
    }
    return description;
  }
}
