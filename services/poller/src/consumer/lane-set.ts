import { compareSequenceNumbers, type StreamRecord } from '@sluice/shared';
import { isBatchReady, takeBatch, type BatchLimits } from './batcher.js';
import { laneOf } from './lanes.js';

/**
 * The lanes of one shard: a buffer of read records per lane, when each lane's batching window
 * began, and the one batch each lane may have in flight. Order per lane holds by construction:
 * a lane's next batch is cut only after its batch in flight has finished.
 */
export class LaneSet {
  private readonly buffers: StreamRecord[][] = [];
  private readonly windowStart = new Map<number, number>();
  private readonly inFlight = new Map<number, Promise<void>>();

  /** `onLaneIdle` runs after a lane's batch settled and the lane is free again (wakes the poller). */
  constructor(
    private readonly now: () => number,
    private readonly onLaneIdle: () => void = () => undefined,
  ) {}

  /** Files records into lanes by partition key; a lane's window starts with its first record. */
  push(records: readonly StreamRecord[], laneCount: number): void {
    for (const record of records) {
      const lane = laneOf(record.partitionKey, laneCount);
      (this.buffers[lane] ??= []).push(record);
      if (!this.windowStart.has(lane)) this.windowStart.set(lane, this.now());
    }
  }

  /** Cuts a batch from every idle lane that is ready and hands it to `run`, which the set tracks. */
  dispatchReady(limits: BatchLimits, shardEnded: boolean, run: (lane: number, batch: StreamRecord[]) => Promise<void>): void {
    const now = this.now();
    this.buffers.forEach((buffer, lane) => {
      if (this.inFlight.has(lane)) return;
      if (!isBatchReady(buffer, limits, this.windowStart.get(lane) ?? now, now, shardEnded)) return;
      const batch = takeBatch(buffer, limits);
      buffer.splice(0, batch.length);
      const flight = run(lane, batch).finally(() => {
        this.inFlight.delete(lane);
        // The lane's next window starts when this invocation completes (AWS's rule).
        if ((this.buffers[lane]?.length ?? 0) > 0) this.windowStart.set(lane, this.now());
        else this.windowStart.delete(lane);
        this.onLaneIdle();
      });
      this.inFlight.set(lane, flight);
    });
  }

  /** Puts records back at the front of their lane (a batch that covered fewer than offered). */
  putBack(lane: number, records: readonly StreamRecord[]): void {
    if (records.length > 0) (this.buffers[lane] ??= []).unshift(...records);
  }

  /**
   * Empties every lane and returns its records in read (sequence) order, for new lanes under another
   * ParallelizationFactor (planner-switch.ts). Only while nothing is in flight: a batch in flight
   * still owns its lane's place in the order.
   */
  takeBuffered(): StreamRecord[] {
    if (this.inFlight.size > 0) throw new Error('LaneSet.takeBuffered while batches are in flight');
    const records = this.buffers.flat().sort((a, b) => compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber));
    this.buffers.length = 0;
    this.windowStart.clear();
    return records;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get bufferedCount(): number {
    return this.buffers.reduce((sum, buffer) => sum + buffer.length, 0);
  }

  /** Milliseconds until the earliest batching window of an idle lane closes (Infinity if none). */
  msUntilNextWindow(windowMs: number): number {
    if (windowMs === 0) return Number.POSITIVE_INFINITY;
    let wait = Number.POSITIVE_INFINITY;
    for (const [lane, startedAt] of this.windowStart) {
      if (!this.inFlight.has(lane)) wait = Math.min(wait, Math.max(0, startedAt + windowMs - this.now()));
    }
    return wait;
  }

  /** Resolves once every batch in flight has settled. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.inFlight.values());
  }
}
