import { setTimeout as sleep } from 'node:timers/promises';
import {
  ErrorCode,
  ProcessingResult,
  backoffDelay,
  compareSequenceNumbers,
  countsEvents,
  internalFault,
  type BackoffOptions,
  type SluiceError,
  type StreamMapping,
  type Logger,
  type SluiceMetrics,
  type StreamRecord,
} from '@sluice/shared';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { LeaseStore } from '../leases/lease-store.js';
import { SHARD_END, type ShardLayout, type ShardLease } from '../leases/shard-lease.js';
import type { ReadPosition, ShardReader, StreamSource } from '../sources/stream-source.js';
import { MAX_PAYLOAD_BYTES, type BatchLimits } from './batcher.js';
import { buildBatchJob } from './batch-job.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import { createBatchPlanner } from './batch-planner.js';
import type { PlannedWindow } from './tumbling-window-planner.js';
import { MappingFilter } from './mapping-filter.js';
import { PlannerSwitch } from './planner-switch.js';
import { processingResult, readProblem } from './processing-result.js';
import { nextReadLimit } from './read-budget.js';
import { ReadPacer } from './read-pacer.js';
import { transition, type ShardPollerState } from './shard-poller-state.js';

/** How a shard poller ended; the scheduler decides what follows (release, delete, children). */
export type ShardPollerEnd = 'shard-ended' | 'stopped' | 'lease-lost' | 'source-gone';

export interface ShardPollerDeps {
  readonly lease: ShardLease;
  readonly leases: LeaseStore;
  readonly source: StreamSource;
  readonly dispatcher: Dispatcher;
  /** The mapping as it is now: an update (BatchSize, window, ...) applies to the next batch. */
  readonly mapping: () => StreamMapping;
  /** Where to start when the lease has no checkpoint (the scheduler applies lineage rules). */
  readonly initialPosition: ReadPosition;
  /** Records a batch's result on the mapping (LastProcessingResult). */
  readonly reportResult: (result: string) => void;
  /**
   * An ongoing problem, under a key of this poller's (its reads, one of its lanes), shown on the
   * mapping while it lasts; undefined when it is over.
   */
  readonly reportProblem: (key: string, problem: string | undefined) => void;
  readonly metrics: SluiceMetrics;
  readonly logger: Logger;
  /** SLUICE_POLL_INTERVAL_MS: the longest a quiet shard waits between reads. */
  readonly pollIntervalMs: number;
  /** SLUICE_SHARD_READS_PER_SECOND: the reads a second this poller may make on its shard. */
  readonly readsPerSecond: number;
  readonly backoff: BackoffOptions;
  readonly now?: () => number;
  /** Told of every state the poller enters (metrics, tests). */
  readonly onState?: (state: ShardPollerState) => void;
  /** Told how many records each read returned (the lease's load, for balancing by load). */
  readonly onRecordsRead?: (records: number) => void;
}

/** Most records a single GetRecords returns (Kinesis: 10000; DynamoDB Streams caps at 1000 itself). */
const READ_LIMIT = 10_000;
/**
 * A fault that may pass shows on the mapping once it persists: this many failed calls in a row, or
 * failing for this long (one hung call that timed out counts), so one throttled read in a busy
 * stream does not flip LastProcessingResult. One that cannot pass shows at once.
 */
const PROBLEM_AFTER_FAILURES = 3;
const PROBLEM_AFTER_MS = 5_000;

/**
 * The loop for one leased shard: read in order, split into lanes, batch, dispatch with at most one
 * batch in flight per lane, and checkpoint the completed prefix. Reads are paced (read-pacer.ts):
 * within the shard's share of the read limit, less and less often while the shard is quiet, and
 * backing off on failures; faults are classified once (SluiceError) and branch on `code` and
 * `retryable`, and what keeps failing shows on the mapping. Its lifecycle is the named states of
 * shard-poller-state.ts. A lost lease stops it without checkpointing.
 */
export class ShardPoller {
  private readonly abort = new AbortController();
  private readonly tracker = new CheckpointTracker();
  /**
   * The lanes, or with TumblingWindowInSeconds the window planner (tumbling-window-planner.ts),
   * replaced live when an update changes the window size or ParallelizationFactor (planner-switch.ts).
   */
  private readonly lanes: PlannerSwitch;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly filter: MappingFilter;
  private wake: (() => void) | undefined;
  private checkpointChain: Promise<void> = Promise.resolve();
  private lastRead: string | undefined;
  /** The shard was read to its end: what is buffered is all there will ever be. */
  private shardEnded = false;
  /** No read yet: the first one is small (read-budget.ts). */
  private firstRead = true;
  /** The last read found the shard's tip. */
  private atTip = false;
  private readonly pacer: ReadPacer;
  private current: ShardPollerState = 'initializing';
  /** When the current run of failed calls began (undefined: the last call worked). */
  private failingSince: number | undefined;
  /** The problem keys this poller has reported and not yet cleared. */
  private readonly problems = new Set<string>();
  private end: ShardPollerEnd | undefined;
  private running: Promise<ShardPollerEnd> | undefined;

  constructor(private readonly deps: ShardPollerDeps) {
    this.now = deps.now ?? Date.now;
    this.log = deps.logger.child({ mappingId: deps.lease.scope.mappingId, shardId: deps.lease.shardId });
    // A lane that frees up gets its next batch at once, even while the loop waits on a read.
    const onLaneIdle = () => {
      this.dispatchReadyLanes();
      this.wake?.();
    };
    // A takeover starts under the layout the last owner recorded (its jobs in flight are named by its lanes).
    this.lanes = new PlannerSwitch(deps.mapping, (layout) => createBatchPlanner(layout, this.now, onLaneIdle), this.log, {
      recorded: deps.lease.layout,
      record: (layout) => this.recordLayout(layout),
      onRecorded: onLaneIdle,
    });
    this.filter = new MappingFilter(this.log);
    this.pacer = new ReadPacer({ pollIntervalMs: deps.pollIntervalMs, readsPerSecond: deps.readsPerSecond, backoff: deps.backoff }, this.now());
  }

  get shardId(): string {
    return this.deps.lease.shardId;
  }

  get state(): ShardPollerState {
    return this.current;
  }

  /** Starts the loop once; resolves when the poller has ended and its lanes are drained. */
  start(): Promise<ShardPollerEnd> {
    this.running ??= this.run().catch((error: unknown) => {
      this.log.error({ err: error }, 'shard poller failed');
      return 'stopped' as const;
    });
    return this.running;
  }

  /** Stops reading; in-flight batches keep their jobs, and the next owner awaits them. */
  async stop(reason: ShardPollerEnd = 'stopped'): Promise<ShardPollerEnd> {
    this.end ??= reason;
    this.abort.abort();
    this.wake?.();
    return this.running ?? reason;
  }

  private async run(): Promise<ShardPollerEnd> {
    let reader: ShardReader | undefined;
    try {
      const { lease } = this.deps;
      if (lease.checkpoint === SHARD_END) return (this.end ??= 'shard-ended');
      const start = this.startPosition();
      this.log.info({ start, layout: this.lanes.layout }, 'shard poller started');
      // No layout recorded yet (a new lease, or one from before layouts were recorded): record the one
      // the first batches are cut under, before any is, so whoever takes over next cuts the same ones.
      if (lease.layout === undefined) await this.recordLayout(this.lanes.layout);
      if (this.abort.signal.aborted) return this.end ?? 'stopped';
      const opened = await this.open(start);
      if (opened === 'gone') return (this.end ??= 'source-gone');
      if (opened === undefined) return this.end ?? 'stopped';
      reader = opened;
      this.enter('processing');
      while (!this.abort.signal.aborted) {
        // Batches first: a lane that just finished gets its next batch before we read again.
        this.dispatchReadyLanes();
        // How much to read, if anything (read-budget.ts): half the buffer free, a small first read.
        const limit = this.readLimit();
        if (limit > 0 && this.now() >= this.pacer.nextReadAt(this.now())) {
          const readStartedAt = this.now();
          this.pacer.readStarted(readStartedAt);
          const read = await this.read(reader, limit);
          if (read === 'gone') return (this.end ??= 'source-gone');
          if (read === 'reopen' || read === 'trimmed') {
            this.enter('initializing');
            const reopened = await this.reopen(reader, read === 'trimmed');
            if (reopened === 'gone') return (this.end ??= 'source-gone');
            if (reopened === undefined) break;
            reader = reopened;
            this.enter('processing');
            continue;
          }
          if (read !== undefined) {
            this.ingest(read.records);
            this.shardEnded = read.shardEnded;
            // At the tip of the shard (nothing new, or the service says 0 ms behind): wait a little,
            // longer while it stays quiet. Behind: read again as soon as the share allows, as Lambda keeps reading.
            const caughtUp = read.records.length === 0 || read.millisBehindLatest === 0;
            this.pacer.readSucceeded(this.now(), { empty: read.records.length === 0, caughtUp });
            this.firstRead = false;
            this.atTip = caughtUp;
            this.lanes.observeRead?.(readStartedAt, caughtUp);
            this.dispatchReadyLanes();
          }
        }
        if (this.shardEnded && this.tracker.pendingCount === 0 && this.lanes.inFlightCount === 0) {
          this.enter('shutting-down');
          await this.writeCheckpoint(SHARD_END);
          return (this.end ??= 'shard-ended');
        }
        await this.waitForWork(this.readLimit() > 0 ? this.pacer.nextReadAt(this.now()) : Number.POSITIVE_INFINITY);
      }
      return this.end ?? 'stopped';
    } finally {
      this.enter('shutting-down');
      await reader?.close().catch(() => undefined);
      await this.lanes.settled();
      await this.checkpointChain;
      // What this poller saw is not the mapping's problem any more: the next owner reports its own.
      for (const key of this.problems) this.deps.reportProblem(key, undefined);
      this.problems.clear();
      this.enter('shut-down');
    }
  }

  /**
   * One read. A stream that is gone ends the poller, trimmed records and an expired iterator
   * reopen the shard; any other fault backs off (read-pacer.ts) and never counts as a function retry.
   */
  private async read(reader: ShardReader, limit: number) {
    const mapping = this.deps.mapping();
    try {
      const result = await reader.read(Math.min(READ_LIMIT, limit), this.abort.signal);
      if (result.millisBehindLatest !== undefined) {
        this.deps.metrics.millisBehindLatest.set({ mapping: mapping.uuid, shard: this.shardId }, result.millisBehindLatest);
      }
      this.callWorked();
      return result;
    } catch (error) {
      if (this.abort.signal.aborted) return undefined;
      const fault = internalFault(error);
      if (fault.code === ErrorCode.SourceNotFound) {
        this.deps.reportResult(ProcessingResult.StreamNotFound);
        this.log.error({ err: error }, 'stream is gone');
        return 'gone' as const;
      }
      if (fault.code === ErrorCode.SourceTrimmed) {
        this.deps.reportResult(ProcessingResult.RecordsTrimmed);
        this.log.error({ err: error, lastRead: this.lastRead }, 'records trimmed before they were read; continuing at TRIM_HORIZON');
        return 'trimmed' as const;
      }
      if (fault.code === ErrorCode.IteratorExpired) {
        this.log.warn({ err: error, lastRead: this.lastRead }, 'shard iterator expired; reopening after the last record read');
        return 'reopen' as const;
      }
      this.callFailed(fault, 'read failed; backing off');
      return undefined;
    }
  }

  /** A call on the shard answered: a problem its failures showed is over. */
  private callWorked(): void {
    this.failingSince = undefined;
    if (this.current === 'backing-off') this.enter('processing');
    this.clearProblem(this.shardId);
  }

  /**
   * A call on the shard failed: back off (exponentially while the fault may pass, the longest wait at
   * once when it cannot), and show it on the mapping once it persists.
   */
  private callFailed(fault: SluiceError, message: string): number {
    const now = this.now();
    this.failingSince ??= now;
    const waitMs = this.pacer.callFailed(now, { retryable: fault.retryable, throttled: fault.code === ErrorCode.SourceThrottled });
    const failures = this.pacer.consecutiveFailures;
    const persistent = !fault.retryable || failures >= PROBLEM_AFTER_FAILURES || now - this.failingSince >= PROBLEM_AFTER_MS;
    this.log[persistent ? 'error' : 'warn']({ err: fault, code: fault.code, retryable: fault.retryable, failures, waitMs }, message);
    if (persistent) this.setProblem(this.shardId, readProblem(fault));
    this.enter('backing-off');
    return waitMs;
  }

  /**
   * Reopens the shard just after the last record read (from where we are, never from the mapping's
   * StartingPosition), or at TRIM_HORIZON when the records we wanted were trimmed away: what
   * remains is the oldest there is.
   */
  private async reopen(old: ShardReader, trimmed: boolean): Promise<ShardReader | 'gone' | undefined> {
    await old.close().catch(() => undefined);
    const position: ReadPosition =
      trimmed || this.lastRead === undefined
        ? trimmed
          ? { type: 'TRIM_HORIZON' }
          : this.startPosition()
        : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastRead };
    return this.open(position);
  }

  /**
   * Opens a reader, backing off on our transient faults. A stream that is gone ends the poller; a
   * position whose records were trimmed (a checkpoint older than the retention) continues at
   * TRIM_HORIZON, reported on the mapping, since the records in between no longer exist.
   */
  private async open(position: ReadPosition): Promise<ShardReader | 'gone' | undefined> {
    while (!this.abort.signal.aborted) {
      try {
        const reader = await this.deps.source.openReader(this.shardId, position);
        this.callWorked();
        return reader;
      } catch (error) {
        const fault = internalFault(error);
        if (fault.code === ErrorCode.SourceNotFound) {
          this.deps.reportResult(ProcessingResult.StreamNotFound);
          this.log.error({ err: error }, 'stream is gone');
          return 'gone';
        }
        if (fault.code === ErrorCode.SourceTrimmed && position.type !== 'TRIM_HORIZON') {
          this.deps.reportResult(ProcessingResult.RecordsTrimmed);
          this.log.error({ err: error, position }, 'records trimmed before they were read; continuing at TRIM_HORIZON');
          position = { type: 'TRIM_HORIZON' };
          continue;
        }
        if (this.abort.signal.aborted) return undefined;
        await this.pause(this.callFailed(fault, 'opening the shard failed; backing off'));
        if (!this.abort.signal.aborted) this.enter('initializing');
      }
    }
    return undefined;
  }

  /** Just after the checkpoint, or the initial position when the shard has none. */
  private startPosition(): ReadPosition {
    const { checkpoint } = this.deps.lease;
    return checkpoint === undefined ? this.deps.initialPosition : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
  }

  private ingest(records: readonly StreamRecord[]): void {
    if (records.length === 0) return;
    const mapping = this.deps.mapping();
    this.tracker.add(records.map((r) => r.sequenceNumber));
    // FilterCriteria apply while batches are assembled; records no filter matches are consumed at once.
    const { deliver, skipped } = this.filter.split(mapping, records);
    this.lanes.push(deliver, mapping.parallelizationFactor);
    this.lastRead = records.at(-1)!.sequenceNumber;
    this.deps.metrics.recordsRead.inc({ mapping: mapping.uuid, shard: this.shardId }, records.length);
    this.deps.onRecordsRead?.(records.length);
    const counting = countsEvents(mapping);
    if (counting) this.deps.metrics.eventCounts.PolledEventCount.inc({ mapping: mapping.uuid }, records.length);
    if (skipped.length === 0) return;
    this.deps.metrics.recordsFiltered.inc({ mapping: mapping.uuid }, skipped.length);
    if (counting) this.deps.metrics.eventCounts.FilteredOutEventCount.inc({ mapping: mapping.uuid }, skipped.length);
    this.consumeFiltered(skipped);
  }

  /**
   * Filtered-out records never reach the function and never block: the checkpoint moves past them
   * (once the records before them are done), even when a whole read matched nothing.
   * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
   */
  private consumeFiltered(skipped: readonly StreamRecord[]): void {
    const completed = this.tracker.complete(skipped.map((r) => r.sequenceNumber));
    // Inside an open tumbling window the checkpoint still waits for the window's final.
    const checkpoint = this.lanes.holdCheckpoint ? this.lanes.holdCheckpoint(completed) : completed;
    if (checkpoint !== undefined) void this.writeCheckpoint(checkpoint);
  }

  private dispatchReadyLanes(): void {
    if (this.abort.signal.aborted) return;
    this.lanes.dispatchReady(this.limits(), this.shardEnded, (lane, batch, window) => this.runBatch(lane, batch, window));
  }

  private async runBatch(lane: number, batch: StreamRecord[], window?: PlannedWindow): Promise<void> {
    const mapping = this.deps.mapping();
    const job = buildBatchJob(mapping, this.deps.lease.scope.streamIdentity, this.shardId, lane, batch, this.now(), window);
    // While the worker retries the batch, what it reports shows on the mapping (a lane's own key).
    const laneKey = `${this.shardId}/${lane}`;
    const result = await this.retrying(() => this.deps.dispatcher.dispatch(job, this.abort.signal, (problem) => this.setProblem(laneKey, problem)));
    if (result === undefined) return; // stopping: the job stays queued for whoever owns the shard next
    const covered = batch.filter((r) => compareSequenceNumbers(r.sequenceNumber, result.lastSequenceNumber) <= 0);
    const uncovered = batch.slice(covered.length);
    this.lanes.putBack(lane, uncovered);
    const completed = this.tracker.complete(covered.map((r) => r.sequenceNumber));
    // Tumbling windows hold the checkpoint until the window's final invocation is done.
    const checkpoint = this.lanes.checkpointAfter ? this.lanes.checkpointAfter(window, result.outcome, completed) : completed;
    this.deps.metrics.batches.inc({ mapping: mapping.uuid, outcome: result.outcome.status });
    const last = covered.at(-1) ?? batch.at(-1);
    if (last !== undefined) this.deps.metrics.iteratorAgeMs.set({ mapping: mapping.uuid, shard: this.shardId }, Math.max(0, this.now() - last.approximateArrivalMs));
    this.deps.reportResult(processingResult(result.outcome));
    this.clearProblem(laneKey);
    if (result.outcome.status === 'discarded') {
      this.log.warn({ condition: result.outcome.condition, first: job.firstSequenceNumber, last: job.lastSequenceNumber }, 'batch discarded');
    }
    // The lane is free as soon as the outcome is in; the checkpoint chain keeps writes in order.
    if (checkpoint !== undefined) void this.writeCheckpoint(checkpoint);
  }

  /** Checkpoints one at a time, in order; a lost lease stops the poller without further writes. */
  private writeCheckpoint(sequenceNumber: string): Promise<void> {
    this.checkpointChain = this.checkpointChain
      .then(async () => {
        if (this.end === 'lease-lost') return;
        const written = await this.retrying(() => this.deps.leases.checkpoint(this.deps.lease, sequenceNumber), { evenWhenStopping: true });
        if (written === 'lease-lost') {
          this.log.warn({ sequenceNumber }, 'lease lost; checkpoint refused');
          void this.stop('lease-lost');
        }
      })
      .catch((error: unknown) => {
        // Only while stopping, after retries: the next owner resumes from the last checkpoint written.
        this.log.error({ err: error, sequenceNumber }, 'checkpoint not written');
      });
    return this.checkpointChain;
  }

  /**
   * Records the layout batches are cut under, in line with the checkpoints (after those of the
   * batches cut under the previous layout), retried until written or stopped; a lost lease stops.
   */
  private recordLayout(layout: ShardLayout): Promise<void> {
    this.checkpointChain = this.checkpointChain
      .then(async () => {
        if (this.end === 'lease-lost') return;
        const written = await this.retrying(() => this.deps.leases.recordLayout(this.deps.lease, layout));
        if (written === 'lease-lost') {
          this.log.warn({ layout }, 'lease lost; batch layout not recorded');
          void this.stop('lease-lost');
        }
      })
      .catch((error: unknown) => {
        this.log.error({ err: error, layout }, 'batch layout not recorded');
      });
    return this.checkpointChain;
  }

  /** Retries our own transient faults (Redis, the stream service) with backoff until done or stopped. */
  private async retrying<T>(action: () => Promise<T>, options: { evenWhenStopping?: boolean } = {}): Promise<T | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.abort.signal.aborted && !options.evenWhenStopping) return undefined;
      try {
        return await action();
      } catch (error) {
        if (this.abort.signal.aborted && !options.evenWhenStopping) return undefined;
        if (options.evenWhenStopping && attempt >= 5) throw error;
        this.log.warn({ err: error, attempt }, 'retrying after a transient fault');
        await this.pause(backoffDelay(attempt, this.deps.backoff));
      }
    }
  }

  private enter(next: ShardPollerState): void {
    if (next === this.current) return;
    this.current = transition(this.current, next);
    this.log.debug({ state: next }, 'shard poller state');
    this.deps.onState?.(next);
  }

  private setProblem(key: string, problem: string): void {
    this.problems.add(key);
    this.deps.reportProblem(key, problem);
  }

  private clearProblem(key: string): void {
    if (this.problems.delete(key)) this.deps.reportProblem(key, undefined);
  }

  /**
   * Waits until the next read is due, the next batching window closes, a lane is free again (the
   * LaneSet wakes us), or stop; never longer than pollIntervalMs, so nothing can stall the loop.
   */
  private async waitForWork(nextReadAt: number): Promise<void> {
    const untilRead = nextReadAt - this.now();
    const untilWindow = this.lanes.msUntilNextWindow(this.limits().windowMs);
    const waitMs = Math.min(untilRead, untilWindow, this.deps.pollIntervalMs);
    if (waitMs > 0) await this.pause(waitMs);
  }

  private async pause(ms: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race([sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined), woken]);
    this.wake = undefined;
  }

  private limits(): BatchLimits {
    const mapping = this.deps.mapping();
    return { batchSize: mapping.batchSize, maxPayloadBytes: MAX_PAYLOAD_BYTES, windowMs: mapping.maximumBatchingWindowInSeconds * 1000 };
  }

  /** Records the next read may ask for; 0: not now (the shard ended, the buffer is full enough). */
  private readLimit(): number {
    if (this.shardEnded) return 0;
    const mapping = this.deps.mapping();
    return nextReadLimit({
      batchSize: mapping.batchSize,
      lanes: mapping.parallelizationFactor,
      pending: this.tracker.pendingCount,
      firstRead: this.firstRead,
      readIntervalMs: 1000 / this.deps.readsPerSecond,
      atTip: this.atTip,
    });
  }
}
