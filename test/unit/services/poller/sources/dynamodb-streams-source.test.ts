import { DescribeStreamCommand, type DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { DynamoDbStreamsSource } from '../../../../../services/poller/src/sources/dynamodb-streams-source.js';

const streamArn = 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024-01-01T00:00:00.000';

/** A DynamoDB Streams client answering DescribeStream from pages of shards. */
function fakeStreams(pages: { ShardId: string; ParentShardId?: string; SequenceNumberRange?: { EndingSequenceNumber?: string } }[][]) {
  const requests: Record<string, unknown>[] = [];
  const client = {
    async send(command: unknown) {
      if (!(command instanceof DescribeStreamCommand)) throw new Error('unexpected command');
      requests.push({ ...command.input });
      const start = command.input.ExclusiveStartShardId;
      const index = start === undefined ? 0 : pages.findIndex((page) => page.at(-1)?.ShardId === start) + 1;
      const page = pages[index]!;
      return {
        StreamDescription: {
          StreamArn: streamArn,
          StreamLabel: '2024-01-01T00:00:00.000',
          Shards: page,
          ...(index < pages.length - 1 ? { LastEvaluatedShardId: page.at(-1)!.ShardId } : {}),
        },
      };
    },
  };
  return { client: client as unknown as DynamoDBStreamsClient, requests };
}

describe('DynamoDbStreamsSource.listShards', () => {
  it('pages with ExclusiveStartShardId = LastEvaluatedShardId and keeps lineage and closed ends', async () => {
    // Arrange
    const { client, requests } = fakeStreams([
      [{ ShardId: 'shardId-1', SequenceNumberRange: { EndingSequenceNumber: '900' } }],
      [{ ShardId: 'shardId-2', ParentShardId: 'shardId-1' }],
    ]);

    // Act
    const shards = await new DynamoDbStreamsSource(client, streamArn).listShards();

    // Assert
    expect(shards).toEqual([
      { shardId: 'shardId-1', parentShardIds: [], endingSequenceNumber: '900' },
      { shardId: 'shardId-2', parentShardIds: ['shardId-1'] },
    ]);
    expect(requests).toEqual([{ StreamArn: streamArn }, { StreamArn: streamArn, ExclusiveStartShardId: 'shardId-1' }]);
  });
});
