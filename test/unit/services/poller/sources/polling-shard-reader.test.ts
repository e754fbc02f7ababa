import { describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError, type StreamRecord } from '@sluice/shared';
import { PollingShardReader, type RecordsPage, type ShardIteratorApi } from '../../../../../services/poller/src/sources/polling-shard-reader.js';
import type { ReadPosition } from '../../../../../services/poller/src/sources/stream-source.js';

function record(sequenceNumber: string): StreamRecord {
  return { sequenceNumber, partitionKey: 'k', approximateArrivalMs: 0, sizeBytes: 1, lambdaRecord: {} };
}

/**
 * A shard of numbered records behind iterators `it-<index of next record>`; a record past `closeAt`
 * never comes and reading there gives no next iterator. Faults are queued per call.
 */
class FakeShardApi implements ShardIteratorApi {
  readonly iteratorRequests: ReadPosition[] = [];
  readonly faults: SluiceError[] = [];
  constructor(
    private readonly sequenceNumbers: string[],
    private readonly closed = false,
  ) {}

  async getIterator(position: ReadPosition): Promise<string | undefined> {
    this.iteratorRequests.push(position);
    if (position.type === 'TRIM_HORIZON') return 'it-0';
    if (position.type === 'LATEST') return `it-${this.sequenceNumbers.length}`;
    if (position.type === 'AFTER_SEQUENCE_NUMBER') return `it-${this.sequenceNumbers.indexOf(position.sequenceNumber) + 1}`;
    throw new SluiceError(ErrorCode.SourceInvalid, 'no AT_TIMESTAMP here');
  }

  async getRecords(iterator: string, limit: number): Promise<RecordsPage> {
    const fault = this.faults.shift();
    if (fault !== undefined) throw fault;
    const from = Number(iterator.slice(3));
    const page = this.sequenceNumbers.slice(from, from + limit);
    const next = from + page.length;
    const atEnd = this.closed && next >= this.sequenceNumbers.length;
    return { records: page.map(record), nextIterator: atEnd ? undefined : `it-${next}`, millisBehindLatest: 0 };
  }
}

const expired = () => new SluiceError(ErrorCode.IteratorExpired, 'expired', { retryable: true });
const seqs = (records: readonly StreamRecord[]) => records.map((r) => r.sequenceNumber);

describe('PollingShardReader', () => {
  it('reads in order along NextShardIterator, limit by limit, capped at the service maximum', async () => {
    // Arrange
    const api = new FakeShardApi(['1', '2', '3', '4', '5']);
    const reader = await PollingShardReader.open(api, { type: 'TRIM_HORIZON' }, { maxLimit: 2 });

    // Act
    const first = await reader.read(10);
    const second = await reader.read(10);
    const third = await reader.read(10);
    const caughtUp = await reader.read(10);

    // Assert
    expect([seqs(first.records), seqs(second.records), seqs(third.records), seqs(caughtUp.records)]).toEqual([['1', '2'], ['3', '4'], ['5'], []]);
    expect(caughtUp).toMatchObject({ shardEnded: false, millisBehindLatest: 0 });
    expect(api.iteratorRequests).toEqual([{ type: 'TRIM_HORIZON' }]);
  });

  it('renews an expired iterator just after the last record it returned and reads again, once', async () => {
    // Arrange
    const api = new FakeShardApi(['10', '20', '30', '40']);
    const reader = await PollingShardReader.open(api, { type: 'TRIM_HORIZON' }, { maxLimit: 100 });
    const before = await reader.read(2);
    api.faults.push(expired());

    // Act
    const after = await reader.read(100);

    // Assert
    expect([...seqs(before.records), ...seqs(after.records)]).toEqual(['10', '20', '30', '40']);
    expect(api.iteratorRequests).toEqual([{ type: 'TRIM_HORIZON' }, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '20' }]);
  });

  it('renews at its start position when it has returned nothing yet, never at TRIM_HORIZON', async () => {
    // Arrange
    const api = new FakeShardApi(['10', '20', '30']);
    const reader = await PollingShardReader.open(api, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '10' }, { maxLimit: 100 });
    api.faults.push(expired());

    // Act
    const read = await reader.read(100);

    // Assert
    expect(seqs(read.records)).toEqual(['20', '30']);
    expect(api.iteratorRequests).toEqual([
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '10' },
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: '10' },
    ]);
  });

  it('throws ITERATOR_EXPIRED when the renewed iterator expires too, and starts fresh on the next read', async () => {
    // Arrange
    const api = new FakeShardApi(['10', '20']);
    const reader = await PollingShardReader.open(api, { type: 'TRIM_HORIZON' }, { maxLimit: 100 });
    api.faults.push(expired(), expired());

    // Act
    const failed = reader.read(100);

    // Assert
    await expect(failed).rejects.toMatchObject({ code: ErrorCode.IteratorExpired });
    expect(seqs((await reader.read(100)).records)).toEqual(['10', '20']);
    expect(api.iteratorRequests).toHaveLength(3);
  });

  it('throws other classified errors as they are and keeps its iterator', async () => {
    // Arrange
    const api = new FakeShardApi(['10']);
    const reader = await PollingShardReader.open(api, { type: 'TRIM_HORIZON' }, { maxLimit: 100 });
    api.faults.push(new SluiceError(ErrorCode.SourceThrottled, 'slow down', { retryable: true }));

    // Act / Assert
    await expect(reader.read(100)).rejects.toMatchObject({ code: ErrorCode.SourceThrottled });
    expect(seqs((await reader.read(100)).records)).toEqual(['10']);
    expect(api.iteratorRequests).toHaveLength(1);
  });

  it('says shardEnded with the last records of a closed shard, and on every read after', async () => {
    // Arrange
    const api = new FakeShardApi(['1', '2', '3'], true);
    const reader = await PollingShardReader.open(api, { type: 'TRIM_HORIZON' }, { maxLimit: 2 });

    // Act
    const first = await reader.read(10);
    const last = await reader.read(10);
    const after = await reader.read(10);

    // Assert
    expect(first.shardEnded).toBe(false);
    expect(last).toMatchObject({ shardEnded: true });
    expect(seqs(last.records)).toEqual(['3']);
    expect(after).toEqual({ records: [], shardEnded: true });
  });

  it('refuses to read once closed', async () => {
    const reader = await PollingShardReader.open(new FakeShardApi([]), { type: 'LATEST' }, { maxLimit: 1 });
    await reader.close();
    await expect(reader.read(1)).rejects.toBeInstanceOf(SluiceError);
  });
});
