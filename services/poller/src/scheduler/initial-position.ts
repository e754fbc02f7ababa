import type { StreamMapping } from '@sluice/shared';
import type { ReadPosition } from '../sources/stream-source.js';

/**
 * Where a shard without checkpoint starts. StartingPosition applies to the shards that existed when
 * the mapping began; a shard born later from a split or merge of shards this mapping read starts at
 * TRIM_HORIZON, so nothing between its parents' ends and its own first read is skipped (the KCL
 * rule, https://docs.aws.amazon.com/streams/latest/dev/kcl-migration-lease-lifecycle.html).
 * AT_TIMESTAMP is absolute, so it applies to children too.
 */
export function initialPosition(mapping: StreamMapping, parentsTracked: boolean): ReadPosition {
  if (mapping.startingPosition === 'AT_TIMESTAMP') {
    return { type: 'AT_TIMESTAMP', timestampMs: (mapping.startingPositionTimestamp ?? 0) * 1000 };
  }
  if (parentsTracked || mapping.startingPosition === 'TRIM_HORIZON') return { type: 'TRIM_HORIZON' };
  return { type: 'LATEST' };
}
