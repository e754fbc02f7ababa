import type { BackoffOptions, ConcurrencyLimiter, Logger, QueueMapping, SluiceMetrics } from '@sluice/shared';
import { isFifoQueueArn } from '@sluice/shared';
import type { SourceRunner } from '../scheduler/source-runner.js';
import type { QueueBatchDispatcher } from './queue-batch-dispatcher.js';
import { createEventLoopProbe, type LoadProbe } from './event-loop-load.js';
import { QueueReceiveLoop } from './queue-receive-loop.js';
import { QueueScaler } from './queue-scaler.js';
import type { QueueSource } from './queue-source.js';

export interface QueueRunnerDeps {
  readonly mapping: () => QueueMapping | undefined;
  readonly source: QueueSource;
  readonly dispatcher: QueueBatchDispatcher;
  /** Cross-process MaximumConcurrency slots. */
  readonly slots?: ConcurrencyLimiter;
  /** Receive loops one process runs for one mapping at most (SLUICE_QUEUE_POLLERS_MAX). */
  readonly maxLoops: number;
  /** How often the queue's attributes (visibility timeout, backlog) are read again. */
  readonly attributesIntervalMs: number;
  readonly metrics: SluiceMetrics;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  readonly now?: () => number;
  /** This process's event loop load, which holds the loops' growth when saturated (queue-scaler.ts); Node's own by default. */
  readonly load?: LoadProbe;
}

/** A queue runner's lifecycle: running -> stopping -> stopped. */
export type QueueRunnerState = 'running' | 'stopping' | 'stopped';

/**
 * Lambda's default ceiling for one SQS mapping's concurrent invocations (without MaximumConcurrency).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
const LAMBDA_MAX_CONCURRENCY = 1250;
/** The queue's visibility timeout until its attributes are first read (SQS's default). */
const DEFAULT_VISIBILITY_SECONDS = 30;

/**
 * One queue mapping in one process (its SourceRunner): as many receive loops as the scaler wants
 * (queue-scaler.ts), within MaximumConcurrency (shared by every process through Redis slots) and
 * this process's cap. No leases: several processes receive from one queue, and SQS gives each
 * message to one of them at a time. Messages of a process that dies come back after their
 * visibility timeout, and another process receives them.
 */
export class QueueRunner implements SourceRunner {
  private stateNow: QueueRunnerState = 'running';
  private readonly loops = new Set<QueueReceiveLoop>();
  private readonly scaler: QueueScaler;
  private readonly now: () => number;
  private readonly log: Logger;
  private visibilitySeconds = DEFAULT_VISIBILITY_SECONDS;
  private attributesReadAt = Number.NEGATIVE_INFINITY;
  private readonly fifo: boolean;

  constructor(
    private readonly mappingId: string,
    private readonly deps: QueueRunnerDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.log = deps.logger.child({ mappingId });
    this.scaler = new QueueScaler(this.limit(), this.now, deps.load ?? createEventLoopProbe());
    this.fifo = isFifoQueueArn(deps.mapping()?.eventSourceArn ?? '');
  }

  get state(): QueueRunnerState {
    return this.stateNow;
  }

  /** Receive loops running now. */
  get loopCount(): number {
    return this.loops.size;
  }

  async tick(now: number): Promise<void> {
    if (this.stateNow !== 'running') return;
    if (now - this.attributesReadAt >= this.deps.attributesIntervalMs) await this.readAttributes(now);
    this.scaler.setLimit(this.limit());
    this.ensureLoops();
    this.report();
  }

  async stop(): Promise<void> {
    if (this.stateNow !== 'running') return;
    this.stateNow = 'stopping';
    await Promise.all([...this.loops].map((loop) => loop.stop()));
    this.loops.clear();
    this.stateNow = 'stopped';
    this.report();
  }

  private limit(): number {
    const mapping = this.deps.mapping();
    // ProvisionedPollerConfig.MaximumPollers caps the loops as MaximumConcurrency does (they exclude each other).
    return Math.min(this.deps.maxLoops, mapping?.maximumConcurrency ?? mapping?.provisionedPollers?.maximum ?? LAMBDA_MAX_CONCURRENCY);
  }

  private async readAttributes(now: number): Promise<void> {
    try {
      const attributes = await this.deps.source.attributes();
      this.visibilitySeconds = attributes.visibilityTimeoutSeconds;
      this.deps.metrics.queueBacklog.set({ mapping: this.mappingId }, attributes.backlog);
      this.attributesReadAt = now;
    } catch (error) {
      // The loops report receive failures themselves; this only delays a visibility change.
      this.log.debug({ err: error }, 'reading the queue attributes failed; will retry');
    }
  }

  /** Starts loops up to what the scaler wants. */
  private ensureLoops(): void {
    while (this.stateNow === 'running' && this.loops.size < this.scaler.desired) this.startLoop();
  }

  private startLoop(): void {
    const loop: QueueReceiveLoop = new QueueReceiveLoop({
      source: this.deps.source,
      dispatcher: this.deps.dispatcher,
      mapping: this.deps.mapping,
      scaler: this.scaler,
      loops: () => this.loops.size,
      ...(this.deps.slots === undefined ? {} : { slots: this.deps.slots }),
      visibilityTimeoutSeconds: () => this.visibilitySeconds,
      onGrow: () => this.ensureLoops(),
      metrics: this.deps.metrics,
      logger: this.log,
      backoff: this.deps.backoff,
      fifo: this.fifo,
      now: this.now,
    });
    this.loops.add(loop);
    void loop.start().then(() => {
      this.loops.delete(loop);
      // A loop that outlives stop() (its last long poll) must not overwrite a newer runner's gauges.
      if (this.stateNow === 'running') this.report();
    });
  }

  private report(): void {
    this.deps.metrics.queuePollers.set({ mapping: this.mappingId }, this.loops.size);
    let held = 0;
    for (const loop of this.loops) held += loop.heldMessages;
    this.deps.metrics.queueMessagesInFlight.set({ mapping: this.mappingId }, held);
  }
}
