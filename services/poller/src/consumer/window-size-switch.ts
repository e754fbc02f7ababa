import type { BatchOutcome, EventSourceMapping, Logger, StreamRecord } from '@sluice/shared';
import type { BatchLimits } from './batcher.js';
import type { BatchPlanner, RunBatch } from './batch-planner.js';
import type { PlannedWindow } from './tumbling-window-planner.js';

/**
 * A shard's batch planner that follows TumblingWindowInSeconds live, as every other mapping update
 * applies while the shard is read (issue #3). Lambda's pages do not say what happens to an open
 * window when the setting changes, so Sluice does what keeps every record and its order:
 * - The planner in use is drained: its buffered records are invoked as before (in their windows,
 *   or plain batches at 0), its batches in flight finish, and a window still open gets its final
 *   invocation, flagged isWindowTerminatedEarly since it ends before its time.
 * - Records read meanwhile wait here, in shard order; then a planner for the new size takes them
 *   (LaneSet at 0, TumblingWindowPlanner otherwise) and reading goes on from where it is, without
 *   going back to the checkpoint: nothing is invoked twice and nothing is skipped.
 * The checkpoint hooks always go to the planner in use, so an open window keeps holding it until
 * its final. https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 */
export class WindowSizeSwitch implements BatchPlanner {
  private current: BatchPlanner;
  /** The TumblingWindowInSeconds the planner in use was made for. */
  private currentSize: number;
  /** The size to switch to once the planner in use has drained (undefined: no switch under way). */
  private nextSize: number | undefined;
  /** Records read while draining, in shard order, with the lane count they were pushed with. */
  private readonly waiting: StreamRecord[] = [];
  private waitingLaneCount = 1;

  constructor(
    private readonly mapping: () => Pick<EventSourceMapping, 'tumblingWindowInSeconds'>,
    private readonly plannerFor: (tumblingWindowInSeconds: number) => BatchPlanner,
    private readonly log?: Logger,
  ) {
    this.currentSize = mapping().tumblingWindowInSeconds;
    this.current = plannerFor(this.currentSize);
  }

  /** The window size batches are cut for now (the old one until a switch completes). */
  get windowSize(): number {
    return this.currentSize;
  }

  push(records: readonly StreamRecord[], laneCount: number): void {
    this.noticeChange();
    if (this.nextSize === undefined) return this.current.push(records, laneCount);
    this.waiting.push(...records);
    this.waitingLaneCount = laneCount;
  }

  dispatchReady(limits: BatchLimits, shardEnded: boolean, run: RunBatch): void {
    this.noticeChange();
    if (this.nextSize !== undefined) {
      // A planner that drains itself (windows) is told whether its records end with the shard's (none
      // wait behind them); a LaneSet is flushed as at a shard end.
      this.current.dispatchReady(limits, this.current.drain ? shardEnded && this.waiting.length === 0 : true, run);
      if (this.current.inFlightCount > 0 || this.current.bufferedCount > 0) return;
      this.switchNow();
    }
    this.current.dispatchReady(limits, shardEnded, run);
  }

  putBack(lane: number, records: readonly StreamRecord[]): void {
    this.current.putBack(lane, records);
  }

  get inFlightCount(): number {
    return this.current.inFlightCount;
  }

  get bufferedCount(): number {
    return this.current.bufferedCount + this.waiting.length;
  }

  msUntilNextWindow(windowMs: number): number {
    // Drained and idle: switch at the next turn of the loop.
    if (this.nextSize !== undefined && this.current.inFlightCount === 0) return 0;
    return this.current.msUntilNextWindow(windowMs);
  }

  settled(): Promise<void> {
    return this.current.settled();
  }

  observeRead(startedAtMs: number, caughtUp: boolean): void {
    this.current.observeRead?.(startedAtMs, caughtUp);
  }

  checkpointAfter(window: PlannedWindow | undefined, outcome: BatchOutcome, completed: string | undefined): string | undefined {
    return this.current.checkpointAfter ? this.current.checkpointAfter(window, outcome, completed) : completed;
  }

  holdCheckpoint(completed: string | undefined): string | undefined {
    return this.current.holdCheckpoint ? this.current.holdCheckpoint(completed) : completed;
  }

  /** Starts a switch when the mapping's size differs from the one in use (or the one switching to). */
  private noticeChange(): void {
    const size = this.mapping().tumblingWindowInSeconds;
    if (size === (this.nextSize ?? this.currentSize)) return;
    if (this.nextSize === undefined) {
      this.log?.info({ from: this.currentSize, to: size }, 'TumblingWindowInSeconds changed; draining the current windows before switching');
      this.current.drain?.();
    }
    this.nextSize = size;
  }

  private switchNow(): void {
    const size = this.nextSize!;
    this.nextSize = undefined;
    this.currentSize = size;
    this.current = this.plannerFor(size);
    this.log?.info({ tumblingWindowInSeconds: size, waiting: this.waiting.length }, 'switched to the new window size');
    if (this.waiting.length > 0) this.current.push(this.waiting.splice(0), this.waitingLaneCount);
  }
}
