import { KinesisShardIterators, type KinesisShardTarget } from './kinesis-shard-reader.js';
import type { ReadPosition } from './stream-source.js';

/**
 * Whether a shard has been read to its end past `position`: a GetRecords there gives no record and
 * no NextShardIterator. The fan-out reader asks this while caught up, because some services never
 * send the final SubscribeToShard event with ChildShards: kinesis-local (kinesis-mock, the engine
 * LocalStack runs) keeps sending empty events on a closed shard. On AWS the ChildShards event comes
 * first and this is only a cheap, rare GetRecords.
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShardEvent.html
 */
export async function hasShardEnded(target: KinesisShardTarget, position: ReadPosition, signal?: AbortSignal): Promise<boolean> {
  const api = new KinesisShardIterators(target);
  const iterator = await api.getIterator(position, signal);
  if (iterator === undefined) return true;
  const page = await api.getRecords(iterator, 1, signal);
  return page.records.length === 0 && page.nextIterator === undefined;
}
