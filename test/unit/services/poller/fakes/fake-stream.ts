import type { ErrorCode} from '@sluice/shared';
import { SluiceError, compareSequenceNumbers, type StreamRecord } from '@sluice/shared';
import type { ReadPosition, ShardReader, StreamSource } from '../../../../../services/poller/src/sources/stream-source.js';

/** An in-memory shard: records can be appended while a reader reads; `close()` ends the shard. */
export class FakeShard {
  readonly records: StreamRecord[] = [];
  closed = false;
  /** Errors the next reads throw, in order (faults the emulators cannot produce). */
  readonly faults: SluiceError[] = [];
  /** Errors the next openReader calls throw, in order. */
  readonly openFaults: SluiceError[] = [];
  /** When each read was asked for (performance.now()), faulted ones included. */
  readonly readTimes: number[] = [];

  append(count: number, key: (i: number) => string = () => 'k'): void {
    const start = this.records.length;
    for (let i = 0; i < count; i += 1) {
      const seq = String(1000 + start + i);
      this.records.push({ sequenceNumber: seq, partitionKey: key(start + i), approximateArrivalMs: Date.now(), sizeBytes: 50, lambdaRecord: { seq } });
    }
  }
}

export class FakeSource implements StreamSource {
  readonly opened: ReadPosition[] = [];
  constructor(readonly shards: Map<string, FakeShard>) {}

  async identity(): Promise<string> {
    return 'fake-stream@1';
  }

  async listShards() {
    return [...this.shards.keys()].map((shardId) => ({ shardId, parentShardIds: [] }));
  }

  async openReader(shardId: string, position: ReadPosition): Promise<ShardReader> {
    this.opened.push(position);
    const shard = this.shards.get(shardId)!;
    const openFault = shard.openFaults.shift();
    if (openFault) throw openFault;
    let next =
      position.type === 'TRIM_HORIZON'
        ? 0
        : position.type === 'LATEST'
          ? shard.records.length
          : position.type === 'AFTER_SEQUENCE_NUMBER'
            ? shard.records.findIndex((r) => compareSequenceNumbers(r.sequenceNumber, position.sequenceNumber) > 0)
            : 0;
    if (next === -1) next = shard.records.length;
    return {
      async read(limit: number) {
        shard.readTimes.push(performance.now());
        const fault = shard.faults.shift();
        if (fault) throw fault;
        const records = shard.records.slice(next, next + limit);
        next += records.length;
        return { records, shardEnded: shard.closed && next >= shard.records.length };
      },
      async close() {},
    };
  }
}

export const fault = (code: (typeof ErrorCode)[keyof typeof ErrorCode]) => new SluiceError(code, `injected ${code}`, { retryable: true });
