import type { StreamRecord } from '@sluice/shared';

/** A shard as the stream service lists it; lineage comes from its parents. */
export interface Shard {
  readonly shardId: string;
  readonly parentShardIds: readonly string[];
  /** Set once the shard is closed (after a split or merge): it can be read to this end. */
  readonly endingSequenceNumber?: string;
}

/** Where a reader starts. StartingPosition applies only where no checkpoint exists. */
export type ReadPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestampMs: number }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

export interface ReadResult {
  /** In shard order; may be empty while caught up. */
  readonly records: readonly StreamRecord[];
  /** True once a closed shard has been read to its end: no more records will ever come. */
  readonly shardEnded: boolean;
  /** Kinesis only: how far behind the tip of the shard this read was. */
  readonly millisBehindLatest?: number;
}

/**
 * Reads one shard in order from a position. Polling readers hold a shard iterator and renew it
 * themselves when it expires, just after the last record they returned (or at their start position
 * if they returned none) - never from the mapping's StartingPosition. The enhanced fan-out reader
 * holds a subscription and resubscribes as each one ends.
 */
export interface ShardReader {
  read(limit: number, signal?: AbortSignal): Promise<ReadResult>;
  close(): Promise<void>;
}

/**
 * Adapter to one stream (a Kinesis stream, a Kinesis consumer, a DynamoDB stream). It maps every
 * AWS error to a SluiceError with an ErrorCode (SourceThrottled, SourceTransient, IteratorExpired,
 * SourceTrimmed, SourceNotFound, SourceInvalid) where it enters; nothing above it sees AWS errors.
 */
export interface StreamSource {
  /**
   * A string that changes when the stream is deleted and created again under the same name
   * (ARN plus creation time, or the DynamoDB stream label): checkpoints are kept under it.
   */
  identity(): Promise<string>;
  listShards(): Promise<Shard[]>;
  openReader(shardId: string, position: ReadPosition): Promise<ShardReader>;
}
