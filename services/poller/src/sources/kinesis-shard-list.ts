import { ListShardsCommand, type KinesisClient, type ListShardsCommandInput, type Shard as KinesisShard } from '@aws-sdk/client-kinesis';
import { callAws } from './aws-error-classifier.js';
import type { Shard } from './stream-source.js';

/**
 * Every shard of a Kinesis stream, open and closed (within retention), page by page: ListShards
 * takes either the stream or a NextToken, never both.
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_ListShards.html
 */
export async function listKinesisShards(kinesis: KinesisClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let input: ListShardsCommandInput = { StreamARN: streamArn };
  for (;;) {
    const page = await callAws('Kinesis ListShards', () => kinesis.send(new ListShardsCommand(input)));
    for (const shard of page.Shards ?? []) shards.push(toShard(shard));
    if (page.NextToken === undefined) return shards;
    input = { NextToken: page.NextToken };
  }
}

/** Lineage: a split child names one parent, a merged child names both. */
function toShard(shard: KinesisShard): Shard {
  const parentShardIds = [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined);
  const ending = shard.SequenceNumberRange?.EndingSequenceNumber;
  return { shardId: shard.ShardId!, parentShardIds, ...(ending === undefined ? {} : { endingSequenceNumber: ending }) };
}
