import { setTimeout as sleep } from 'node:timers/promises';
import {
  ErrorCode,
  SluiceError,
  backoffDelay,
  countsEvents,
  type BackoffOptions,
  type ConcurrencyLimiter,
  type ConcurrencySlot,
  type Logger,
  type QueueBatchOutcome,
  type QueueMapping,
  type QueueMessage,
  type SluiceMetrics,
} from '@sluice/shared';
import { MappingFilter } from '../consumer/mapping-filter.js';
import { MAX_PAYLOAD_BYTES, QueueBatchGatherer, type GatherLimits } from './queue-batch-gatherer.js';
import type { QueueBatchDispatcher } from './queue-batch-dispatcher.js';
import type { QueueScaler } from './queue-scaler.js';
import type { QueueSource } from './queue-source.js';
import { settle } from './message-settlement.js';
import { VisibilityKeeper } from './visibility-keeper.js';

export interface QueueReceiveLoopDeps {
  readonly source: QueueSource;
  readonly dispatcher: QueueBatchDispatcher;
  /** The mapping as it is now: an update (BatchSize, window, filters) applies to the next batch. */
  readonly mapping: () => QueueMapping | undefined;
  readonly scaler: QueueScaler;
  /** Loops of this mapping in this process right now (for the scaler's retire decision). */
  readonly loops: () => number;
  /** Cross-process MaximumConcurrency slots; absent when the mapping sets none. */
  readonly slots?: ConcurrencyLimiter;
  /** The queue's visibility timeout in seconds, as last read. */
  readonly visibilityTimeoutSeconds: () => number;
  /** A full receive may mean more loops are wanted: the runner starts them. */
  readonly onGrow: () => void;
  readonly metrics: SluiceMetrics;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  readonly fifo: boolean;
  readonly now?: () => number;
}

/**
 * A receive loop's lifecycle: running -> retired (the scaler wants fewer loops, or the mapping is
 * gone) | stopping -> stopped. While running it has at most one batch in flight.
 */
export type QueueLoopState = 'running' | 'stopping' | 'retired' | 'stopped';

const TRANSITIONS: Readonly<Record<QueueLoopState, readonly QueueLoopState[]>> = {
  // running -> stopped only when the loop fails unexpectedly (a bug: logged as such).
  running: ['retired', 'stopping', 'stopped'],
  stopping: ['stopped'],
  retired: [],
  stopped: [],
};

/** How long a loop waits before asking for a MaximumConcurrency slot again. */
const SLOT_RETRY_MS = 50;

/**
 * One of a queue mapping's pollers (Lambda runs several per queue and scales them): receive,
 * gather a batch (BatchSize, window, 6 MB), filter (what no filter matches is deleted at once,
 * never delivered), hand the batch to a worker through BullMQ, and when its outcome comes, delete
 * what succeeded and leave the rest to come back after the visibility timeout. Its messages are
 * kept invisible while it holds them (visibility-keeper.ts). A loop has one batch in flight at a
 * time, and while a backlog lasts (its last batch was full) gathers the next one while it runs, so
 * a batch's receive is not one more round trip after the last one's invocation; on a FIFO queue SQS itself keeps a message group's messages out
 * of other receives while some are in flight, so each group is processed in order, one batch at a time.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export class QueueReceiveLoop {
  private stateNow: QueueLoopState = 'running';
  /** Ends the pauses between receives (backoff) and for MaximumConcurrency slots. */
  private readonly stopPausing = new AbortController();
  private readonly stopWaiting = new AbortController();
  private readonly keeper: VisibilityKeeper;
  private readonly filter: MappingFilter;
  private readonly now: () => number;
  private carried: QueueMessage[] = [];
  private receiveFailures = 0;
  /** Batches in a row that could not be handed to the workers (the queue of batches, Redis, failed). */
  private dispatchFailures = 0;
  private running: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  /** The batch in flight, if any: one at a time. */
  private inFlight: Promise<void> | undefined;
  /** Deletes of a standard queue's finished batches, under way while the next batch runs. */
  private readonly deleting = new Set<Promise<void>>();

  constructor(private readonly deps: QueueReceiveLoopDeps) {
    this.now = deps.now ?? Date.now;
    this.keeper = new VisibilityKeeper(deps.source, deps.visibilityTimeoutSeconds, deps.logger, this.now);
    this.filter = new MappingFilter(deps.logger);
  }

  get state(): QueueLoopState {
    return this.stateNow;
  }

  /** Messages this loop holds (gathered or in flight). */
  get heldMessages(): number {
    return this.keeper.size;
  }

  start(): Promise<void> {
    this.running ??= this.run().catch((error: unknown) => {
      this.deps.logger.error({ err: error }, 'queue receive loop failed');
    }).finally(() => {
      this.keeper.stop();
      if (this.stateNow !== 'retired') this.moveTo('stopped');
    });
    return this.running;
  }

  /**
   * Stops receiving. A batch in flight is awaited for up to one visibility timeout (its messages
   * would come back then anyway) so that what succeeded is deleted; messages gathered but not yet
   * sent are given back at once. A long poll is not cut short: SQS does not learn that a caller
   * gave up, and would hide the messages it still hands to that call for a whole visibility
   * timeout. It ends by itself (at the first message, or after its wait) and what it brings is
   * given back at once, after stop() resolved.
   */
  stop(): Promise<void> {
    this.stopped ??= this.halt();
    return this.stopped;
  }

  private async halt(): Promise<void> {
    if (this.stateNow === 'stopped' || this.stateNow === 'retired') return;
    this.moveTo('stopping');
    this.stopPausing.abort();
    const inFlight = this.inFlight;
    if (inFlight !== undefined) {
      const grace = setTimeout(() => this.stopWaiting.abort(), this.deps.visibilityTimeoutSeconds() * 1000);
      try {
        await inFlight;
      } finally {
        clearTimeout(grace);
      }
    }
    await Promise.all(this.deleting);
  }

  private moveTo(next: QueueLoopState): void {
    if (!TRANSITIONS[this.stateNow].includes(next)) return;
    this.stateNow = next;
  }

  private async run(): Promise<void> {
    /** The next batch, gathered while the one before it runs. */
    let next: Promise<QueueMessage[] | 'retire' | undefined> | undefined;
    while (this.stateNow === 'running') {
      // Without a batch gathered ahead, the next receive begins once the batch in flight is done.
      if (next === undefined) await this.inFlight;
      const mapping = this.deps.mapping();
      const gathered = next !== undefined ? await next : mapping === undefined ? 'retire' : await this.gather(mapping);
      next = undefined;
      if (gathered === 'retire') {
        await this.inFlight;
        await this.giveBack(this.carried);
        return this.moveTo('retired');
      }
      if (gathered === undefined) continue;
      // One batch in flight at a time: this one waits for the last one's outcome.
      await this.inFlight;
      // The mapping as it is now (the batch was gathered under it, see gather). Stopped or gone
      // meanwhile: the batch is not sent; the loop's condition gives it back.
      const current = this.deps.mapping();
      if (this.stateNow !== 'running' || current === undefined) {
        this.carried = [...gathered, ...this.carried];
        continue;
      }
      const invoking: Promise<void> = this.invoke(current, gathered).finally(() => {
        if (this.inFlight === invoking) this.inFlight = undefined;
      });
      this.inFlight = invoking;
      // A full batch means a backlog: the next one is received while this one runs. Otherwise the
      // loop receives again once the batch is done, so that an idle queue has one long poll per
      // loop and nothing more is out (an extra receive hides what it brings, a crash included).
      if (gathered.length >= current.batchSize) next = this.gather(current);
    }
    // Stopping: the batch in flight finishes (stop() bounds the wait); what was gathered and never
    // sent, also by a receive still under way, goes back to the queue at once.
    await this.inFlight;
    await Promise.all(this.deleting);
    const last = next === undefined ? undefined : await next;
    if (Array.isArray(last)) this.carried = [...last, ...this.carried];
    await this.giveBack(this.carried);
  }

  /** Receives until a batch is ready; undefined when stopping or after a failed receive. */
  private async gather(mapping: QueueMapping): Promise<QueueMessage[] | 'retire' | undefined> {
    const gatherer = new QueueBatchGatherer(limitsOf(mapping), this.carried, this.now());
    this.carried = [];
    const putBack = () => {
      const { batch, carried } = gatherer.take();
      this.carried = [...batch, ...carried];
      return undefined;
    };
    while (!gatherer.isReady(this.now())) {
      if (this.stateNow !== 'running') return putBack();
      const request = gatherer.nextReceive(this.now());
      const received = await this.receive(request);
      if (received === undefined) return putBack();
      // An update during the receive (a long poll waits up to 20 s) applies to this batch already.
      const current = this.deps.mapping();
      if (current !== undefined) gatherer.retarget(limitsOf(current));
      this.deps.metrics.queueMessagesReceived.inc({ mapping: mapping.uuid }, received.length);
      if (countsEvents(mapping)) this.deps.metrics.eventCounts.PolledEventCount.inc({ mapping: mapping.uuid }, received.length);
      this.keeper.hold(received);
      const retire = this.deps.scaler.onReceive(received.length, request.maxMessages, this.deps.loops());
      if (received.length >= request.maxMessages) this.deps.onGrow();
      if (received.length === 0 && gatherer.size === 0 && retire) return 'retire';
      const { deliver, skipped } = this.filter.split(mapping, received);
      if (skipped.length > 0) await this.dropFiltered(mapping, skipped);
      for (const message of deliver) gatherer.add(message, this.now());
    }
    const { batch, carried } = gatherer.take();
    this.carried = carried;
    return batch;
  }

  private async receive(request: { maxMessages: number; waitSeconds: number }): Promise<QueueMessage[] | undefined> {
    try {
      // No abort signal: see stop().
      const received = await this.deps.source.receive({ ...request, visibilityTimeoutSeconds: this.deps.visibilityTimeoutSeconds() });
      if (this.receiveFailures > 0) this.deps.logger.info({ failures: this.receiveFailures }, 'receiving from the queue works again');
      this.receiveFailures = 0;
      return received;
    } catch (error) {
      if (this.stateNow !== 'running') return undefined;
      this.receiveFailures += 1;
      // A queue that is gone, or a refusal, will not heal soon: wait long; ours and the service's faults: back off.
      const permanent = !(error instanceof SluiceError && error.retryable);
      const delay = backoffDelay(this.receiveFailures, permanent ? { baseMs: 5000, maxMs: 60_000 } : this.deps.backoff);
      if (this.receiveFailures === 1 || permanent) {
        const code = error instanceof SluiceError ? error.code : ErrorCode.SourceInvalid;
        this.deps.logger[permanent ? 'error' : 'warn']({ err: error, code, retryInMs: delay }, 'receiving from the queue failed');
      }
      await sleep(delay, undefined, { signal: this.stopPausing.signal }).catch(() => undefined);
      return undefined;
    }
  }

  /** Messages no filter matched are deleted, never delivered (Lambda's rule for SQS). */
  private async dropFiltered(mapping: QueueMapping, skipped: QueueMessage[]): Promise<void> {
    this.deps.metrics.recordsFiltered.inc({ mapping: mapping.uuid }, skipped.length);
    if (countsEvents(mapping)) this.deps.metrics.eventCounts.FilteredOutEventCount.inc({ mapping: mapping.uuid }, skipped.length);
    await this.remove(mapping, skipped);
  }

  private async invoke(mapping: QueueMapping, batch: QueueMessage[]): Promise<void> {
    let slot: ConcurrencySlot | undefined | 'stopped';
    let outcome: QueueBatchOutcome;
    try {
      slot = await this.takeSlot(mapping);
      if (slot === 'stopped') return await this.giveBack(batch);
      outcome = await this.deps.dispatcher.dispatch(
        {
          mappingId: mapping.uuid,
          functionName: mapping.functionName,
          functionArn: mapping.functionArn,
          eventSourceArn: mapping.eventSourceArn,
          sourceKind: mapping.sourceKind,
          records: batch.map((m) => ({ ...m.lambdaRecord })),
          functionResponseTypes: [...mapping.functionResponseTypes],
          faults: 0,
          enqueuedAt: this.now(),
          ...(countsEvents(mapping) ? { countEvents: true as const } : {}),
        },
        this.stopWaiting.signal,
      );
    } catch (error) {
      // Stopped waiting (the grace ran out), or the queue of batches failed us: the messages come back by themselves.
      this.keeper.release(batch);
      if (!this.stopWaiting.signal.aborted) await this.pauseAfterDispatchFailure(error, batch.length);
      return;
    } finally {
      if (slot !== undefined && slot !== 'stopped') await slot.release().catch(() => undefined);
    }
    if (this.dispatchFailures > 0) this.deps.logger.info({ failures: this.dispatchFailures }, 'queue batches reach the workers again');
    this.dispatchFailures = 0;
    await this.settle(mapping, batch, outcome);
  }

  /**
   * A fault of ours (Redis) must not spend the messages' receives: each receive counts toward the
   * queue's maxReceiveCount, so receiving on at full speed would move the backlog to the
   * dead-letter queue without one invocation. Receiving waits, longer each time, until batches go
   * through again.
   */
  private async pauseAfterDispatchFailure(error: unknown, messages: number): Promise<void> {
    this.dispatchFailures += 1;
    const delay = backoffDelay(this.dispatchFailures, this.deps.backoff);
    if (this.dispatchFailures === 1) this.deps.logger.warn({ err: error, messages, retryInMs: delay }, 'queue batch dispatch failed; its messages come back after their visibility timeout');
    await sleep(delay, undefined, { signal: this.stopPausing.signal }).catch(() => undefined);
  }

  private async settle(mapping: QueueMapping, batch: QueueMessage[], outcome: QueueBatchOutcome): Promise<void> {
    const { delete: done, keep } = settle(batch, outcome, this.deps.fifo);
    this.keeper.release(keep);
    if (keep.length > 0) {
      this.deps.metrics.queueMessagesFailed.inc({ mapping: mapping.uuid }, keep.length);
      const reason = outcome.status === 'failed' ? outcome.reason : 'batch_item_failures';
      this.deps.logger.info({ failed: keep.length, deleted: done.length, reason }, 'queue batch failed; its failed messages come back after their visibility timeout');
    }
    if (this.deps.fifo) return this.remove(mapping, done);
    // A standard queue keeps no order: the next batch need not wait for this round trip.
    const deleting: Promise<void> = this.remove(mapping, done).finally(() => this.deleting.delete(deleting));
    this.deleting.add(deleting);
  }

  /** Deletes messages; one the queue no longer knows (its receipt handle lapsed) will be delivered again. */
  private async remove(mapping: QueueMapping, messages: QueueMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      const failed = await this.deps.source.delete(messages);
      this.deps.metrics.queueMessagesDeleted.inc({ mapping: mapping.uuid }, messages.length - failed.length);
      if (countsEvents(mapping)) this.deps.metrics.eventCounts.DeletedEventCount.inc({ mapping: mapping.uuid }, messages.length - failed.length);
      if (failed.length > 0) this.deps.logger.warn({ messages: failed.length }, 'the queue did not delete some messages; they will be delivered again');
    } catch (error) {
      this.deps.logger.warn({ err: error, messages: messages.length }, 'deleting messages failed; they will be delivered again');
    } finally {
      this.keeper.release(messages);
    }
  }

  /** A MaximumConcurrency slot, waited for; undefined when the mapping sets no maximum. */
  private async takeSlot(mapping: QueueMapping): Promise<ConcurrencySlot | undefined | 'stopped'> {
    const limit = mapping.maximumConcurrency;
    if (limit === undefined || this.deps.slots === undefined) return undefined;
    // A slot lapses by itself if this process dies holding it: two visibility timeouts bound any batch.
    const leaseMs = Math.max(60_000, 2 * this.deps.visibilityTimeoutSeconds() * 1000);
    for (let waits = 0; ; waits += 1) {
      const slot = await this.deps.slots.acquire(mapping.uuid, limit, leaseMs);
      if (slot !== undefined) return slot;
      if (waits === 0) this.deps.scaler.onThrottled(this.deps.loops());
      if (this.stopWaiting.signal.aborted || this.stateNow === 'stopping') return 'stopped';
      await sleep(SLOT_RETRY_MS, undefined, { signal: this.stopPausing.signal }).catch(() => undefined);
    }
  }

  /** Messages this loop will not send: visible again at once, for any poller. */
  private async giveBack(messages: QueueMessage[]): Promise<void> {
    this.carried = [];
    if (messages.length === 0) return;
    this.keeper.release(messages);
    await this.deps.source.changeVisibility(messages, 0).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, messages: messages.length }, 'giving messages back failed; they come back after their visibility timeout');
    });
  }
}

function limitsOf(mapping: QueueMapping): GatherLimits {
  return { batchSize: mapping.batchSize, windowMs: mapping.maximumBatchingWindowInSeconds * 1000, maxPayloadBytes: MAX_PAYLOAD_BYTES };
}
