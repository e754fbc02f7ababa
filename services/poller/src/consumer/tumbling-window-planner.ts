import { windowStartMs, type BatchOutcome, type StreamRecord } from '@sluice/shared';
import type { BatchPlanner, RunBatch } from './batch-planner.js';
import { takeBatch, type BatchLimits } from './batcher.js';

/** The window a planned batch belongs to; a final invocation also names the records it closes. */
export interface PlannedWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly isFinal: boolean;
  /** Only on a final: the window ends early because its state passed the size cap. */
  readonly terminatedEarly: boolean;
  /** Only on a final: the first and last record of the window (or of its segment after an early end). */
  readonly first?: StreamRecord;
  readonly last?: StreamRecord;
}

/** The window records are being invoked for. A segment is what one final invocation closes. */
interface OpenWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** First and last record handed out in the current segment (undefined: none yet). */
  first?: StreamRecord;
  last?: StreamRecord;
  /** The state passed the cap: the segment is closed by an early final, then the window goes on. */
  endsEarly: boolean;
}

/**
 * Cuts a shard's batches for a mapping with TumblingWindowInSeconds and decides its final
 * invocations (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html):
 * - A record belongs to the window its arrival time falls in (windowStartMs); a batch never spans two
 *   windows. A record that arrives late, stamped before the open (or last closed) window, joins the
 *   window that is open, so no window is ever reopened.
 * - A window is over when a record of a later window is read, when the shard ends, or when the clock
 *   is past its end and a read that began after the end reached the shard's tip (so every record of
 *   the window has been read). Then one final invocation (no records, isFinalInvokeForWindow) follows
 *   its last batch; the next window's batches wait for it.
 * - A batch whose answer put the state past the cap ends the window early: an early final
 *   (isWindowTerminatedEarly), then the same window goes on with a fresh state.
 * - The checkpoint holds at the last record before the window until the final succeeded (or was
 *   given up on): a crash mid-window reads the window again.
 * - An update of TumblingWindowInSeconds drains this planner (drain()): what is buffered goes out,
 *   and the open window is closed by a final flagged isWindowTerminatedEarly (planner-switch.ts).
 * One lane: the state is per shard, so ParallelizationFactor does not apply.
 */
export class TumblingWindowPlanner implements BatchPlanner {
  private readonly sizeMs: number;
  private readonly buffer: StreamRecord[] = [];
  /** When the lane went idle with records waiting (MaximumBatchingWindowInSeconds starts there). */
  private batchingSince: number | undefined;
  private inFlight: Promise<void> | undefined;
  /** The batch in flight, to find the segment's last record when a job covered less of it. */
  private lastBatch: { readonly records: readonly StreamRecord[]; readonly previousLast: StreamRecord | undefined } | undefined;
  private open: OpenWindow | undefined;
  /** End of the last window closed: no record goes to a window before it. */
  private closedUntilMs = Number.NEGATIVE_INFINITY;
  /** Start of the latest read that reached the shard's tip. */
  private tipReadStartedAt = Number.NEGATIVE_INFINITY;
  /** The furthest completed checkpoint not yet released (records of the open window). */
  private held: string | undefined;
  /** TumblingWindowInSeconds changed: everything buffered goes out, then the open window's final. */
  private draining = false;

  constructor(
    sizeSeconds: number,
    private readonly now: () => number,
    private readonly onLaneIdle: () => void = () => undefined,
  ) {
    this.sizeMs = sizeSeconds * 1000;
  }

  push(records: readonly StreamRecord[]): void {
    if (records.length === 0) return;
    this.buffer.push(...records);
    this.batchingSince ??= this.now();
  }

  observeRead(startedAtMs: number, caughtUp: boolean): void {
    if (caughtUp) this.tipReadStartedAt = Math.max(this.tipReadStartedAt, startedAtMs);
  }

  dispatchReady(limits: BatchLimits, shardEnded: boolean, run: RunBatch): void {
    if (this.inFlight !== undefined) return;
    // Draining is like the shard's end (no batching wait, the last window closes once emptied), but
    // that window is cut short rather than complete.
    const cutShort = this.draining && !shardEnded;
    shardEnded ||= this.draining;
    const final = this.dueFinal(shardEnded, cutShort);
    if (final !== undefined) return this.start(run, [], final);
    const head = this.buffer[0];
    if (head === undefined) return;
    const startMs = this.windowOf(head);
    if (this.open?.startMs !== startMs) this.open = { startMs, endMs: startMs + this.sizeMs, endsEarly: false };
    const sameWindow = this.prefixOfWindow(startMs);
    const batch = takeBatch(sameWindow, limits);
    const ready =
      limits.windowMs === 0 ||
      shardEnded ||
      batch.length >= limits.batchSize ||
      batch.length < this.buffer.length || // full by count or bytes, or a later window's record waits behind it
      this.isOver(this.open) ||
      this.now() - (this.batchingSince ?? this.now()) >= limits.windowMs;
    if (!ready) return;
    this.buffer.splice(0, batch.length);
    this.lastBatch = { records: batch, previousLast: this.open.last };
    this.open.first ??= batch[0];
    this.open.last = batch.at(-1);
    this.start(run, batch, { startMs: this.open.startMs, endMs: this.open.endMs, isFinal: false, terminatedEarly: false });
  }

  putBack(_lane: number, records: readonly StreamRecord[]): void {
    if (records.length === 0) return;
    this.buffer.unshift(...records);
    // The job covered less than offered (a takeover found it cut shorter): the segment ends earlier.
    const batch = this.lastBatch;
    if (this.open !== undefined && batch !== undefined) {
      const index = batch.records.indexOf(records[0]!);
      this.open.last = index > 0 ? batch.records[index - 1] : batch.previousLast;
      if (this.open.last === undefined) this.open.first = undefined;
    }
  }

  get inFlightCount(): number {
    return this.inFlight !== undefined || this.open?.last !== undefined ? 1 : 0;
  }

  get bufferedCount(): number {
    return this.buffer.length;
  }

  /**
   * This planner is being replaced by one of another window size (an UpdateEventSourceMapping
   * changed TumblingWindowInSeconds): what is buffered is invoked in its windows as usual, and the
   * last open window is closed by a final flagged isWindowTerminatedEarly (unless it was over
   * anyway), since it ends before its time and no further invocation continues it.
   */
  drain(): void {
    this.draining = true;
  }

  msUntilNextWindow(windowMs: number): number {
    if (this.inFlight !== undefined) return Number.POSITIVE_INFINITY;
    const now = this.now();
    let wait = Number.POSITIVE_INFINITY;
    if (this.buffer.length > 0 && windowMs > 0) wait = Math.max(0, (this.batchingSince ?? now) + windowMs - now);
    // Until the window's end; past it, the next read that reaches the tip wakes the poller anyway.
    if (this.open !== undefined && now < this.open.endMs) wait = Math.min(wait, this.open.endMs - now);
    return wait;
  }

  async settled(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  checkpointAfter(window: PlannedWindow | undefined, outcome: BatchOutcome, completed: string | undefined): string | undefined {
    if (completed !== undefined) this.held = completed;
    if (window === undefined || !window.isFinal) {
      if (outcome.window?.terminatedEarly === true && this.open !== undefined) this.open.endsEarly = true;
      return undefined;
    }
    // The final's outcome is final either way (succeeded, or given up on and reported): the window's
    // records are done, and the checkpoint moves past them.
    if (window.terminatedEarly && this.open?.startMs === window.startMs) {
      this.open.first = undefined;
      this.open.last = undefined;
      this.open.endsEarly = false;
    } else {
      this.closedUntilMs = Math.max(this.closedUntilMs, window.endMs);
      if (this.open?.startMs === window.startMs) this.open = undefined;
    }
    const release = this.held;
    this.held = undefined;
    return release;
  }

  /**
   * Records consumed without an invocation (FilterCriteria dropped them): while the open window owes
   * its final, the checkpoint waits for it like the window's delivered records.
   */
  holdCheckpoint(completed: string | undefined): string | undefined {
    if (completed === undefined) return undefined;
    if (this.open?.last === undefined) return completed;
    this.held = completed;
    return undefined;
  }

  /** The final invocation the open window owes now, if any. */
  private dueFinal(shardEnded: boolean, cutShort: boolean): PlannedWindow | undefined {
    const open = this.open;
    if (open?.last === undefined) return undefined;
    const head = this.buffer[0];
    const headInWindow = head !== undefined && this.windowOf(head) === open.startMs;
    const over = open.endsEarly || (head !== undefined && !headInWindow) || (head === undefined && (shardEnded || this.isOver(open)));
    if (!over) return undefined;
    return {
      startMs: open.startMs,
      endMs: open.endMs,
      isFinal: true,
      terminatedEarly: open.endsEarly || (cutShort && head === undefined && !this.isOver(open)),
      first: open.first!,
      last: open.last,
    };
  }

  /** Past the window's end, and a read that began after it found the shard's tip. */
  private isOver(open: OpenWindow): boolean {
    return this.now() >= open.endMs && this.tipReadStartedAt >= open.endMs;
  }

  private windowOf(record: StreamRecord): number {
    const floor = this.open?.startMs ?? this.closedUntilMs;
    return Math.max(windowStartMs(record.approximateArrivalMs, this.sizeMs / 1000), floor);
  }

  /** The buffered records, from the front, that belong to the window starting at `startMs`. */
  private prefixOfWindow(startMs: number): StreamRecord[] {
    let end = 0;
    while (end < this.buffer.length && this.windowOf(this.buffer[end]!) === startMs) end += 1;
    return this.buffer.slice(0, end);
  }

  private start(run: RunBatch, batch: StreamRecord[], window: PlannedWindow): void {
    const flight = run(0, batch, window).finally(() => {
      this.inFlight = undefined;
      this.batchingSince = this.buffer.length > 0 ? this.now() : undefined;
      this.onLaneIdle();
    });
    this.inFlight = flight;
  }
}
