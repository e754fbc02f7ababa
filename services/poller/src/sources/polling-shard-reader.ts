import { ErrorCode, SluiceError, type StreamRecord } from '@sluice/shared';
import type { ReadPosition, ReadResult, ShardReader } from './stream-source.js';

/** One GetRecords answer, in Sluice's terms. */
export interface RecordsPage {
  readonly records: readonly StreamRecord[];
  /** Absent once a closed shard has been read to its end. */
  readonly nextIterator: string | undefined;
  readonly millisBehindLatest?: number;
}

/**
 * The two calls of a polling stream API (Kinesis, DynamoDB Streams) for one shard. Both throw
 * classified SluiceErrors (aws-error-classifier.ts).
 */
export interface ShardIteratorApi {
  /** GetShardIterator; undefined when the service gives none (nothing left to read). */
  getIterator(position: ReadPosition, signal?: AbortSignal): Promise<string | undefined>;
  /** GetRecords. */
  getRecords(iterator: string, limit: number, signal?: AbortSignal): Promise<RecordsPage>;
}

/**
 * A ShardReader over a shard iterator. It follows NextShardIterator from read to read, and when an
 * iterator expires (Kinesis: 5 minutes; DynamoDB Streams: 15 minutes) it takes a fresh one just
 * after the last record it returned, or at its start position if it returned none, and reads again
 * once. So an expiry neither loses nor repeats a record, and never sends the shard back to the
 * mapping's StartingPosition (the renewal LocalStack reviewers worried about, aws-facts.md 5.11).
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetShardIterator.html
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html
 */
export class PollingShardReader implements ShardReader {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private ended = false;
  private closed = false;

  private constructor(
    private readonly api: ShardIteratorApi,
    private readonly start: ReadPosition,
    private readonly maxLimit: number,
  ) {}

  /**
   * Takes the first iterator now, so a LATEST reader starts at the tip as of opening and an unknown
   * shard fails here rather than on the first read.
   */
  static async open(api: ShardIteratorApi, start: ReadPosition, options: { readonly maxLimit: number }): Promise<PollingShardReader> {
    const reader = new PollingShardReader(api, start, options.maxLimit);
    await reader.renew();
    return reader;
  }

  async read(limit: number, signal?: AbortSignal): Promise<ReadResult> {
    if (this.closed) throw new SluiceError(ErrorCode.SourceInvalid, 'read() on a closed shard reader');
    if (this.ended) return { records: [], shardEnded: true };
    const boundedLimit = Math.max(1, Math.min(limit, this.maxLimit));
    const page = await this.fetch(boundedLimit, signal);
    if (page === undefined) return { records: [], shardEnded: true };
    const last = page.records.at(-1);
    if (last !== undefined) this.lastSequenceNumber = last.sequenceNumber;
    this.iterator = page.nextIterator;
    // A null NextShardIterator: the shard was closed (split, merge) and has been read to its end.
    this.ended = page.nextIterator === undefined;
    return {
      records: page.records,
      shardEnded: this.ended,
      ...(page.millisBehindLatest === undefined ? {} : { millisBehindLatest: page.millisBehindLatest }),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.iterator = undefined;
  }

  /** GetRecords; on an expired iterator, one renewal and one more try. Undefined: nothing left. */
  private async fetch(limit: number, signal?: AbortSignal): Promise<RecordsPage | undefined> {
    if (this.iterator === undefined && !(await this.renew(signal))) return undefined;
    try {
      return await this.api.getRecords(this.iterator!, limit, signal);
    } catch (error) {
      if (!isExpired(error)) throw error;
    }
    if (!(await this.renew(signal))) return undefined;
    try {
      return await this.api.getRecords(this.iterator!, limit, signal);
    } catch (error) {
      // Expired twice in a row: drop the iterator so the next read starts with a fresh one.
      if (isExpired(error)) this.iterator = undefined;
      throw error;
    }
  }

  /** A fresh iterator after the last record returned, else at the start position. False: none given. */
  private async renew(signal?: AbortSignal): Promise<boolean> {
    const position: ReadPosition =
      this.lastSequenceNumber === undefined ? this.start : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastSequenceNumber };
    this.iterator = await this.api.getIterator(position, signal);
    if (this.iterator === undefined) this.ended = true;
    return this.iterator !== undefined;
  }
}

function isExpired(error: unknown): boolean {
  return error instanceof SluiceError && error.code === ErrorCode.IteratorExpired;
}
