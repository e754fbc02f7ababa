import type { QueueMessage } from '@sluice/shared';
import { MAX_PAYLOAD_BYTES } from '../consumer/batcher.js';

const ENVELOPE_BYTES = '{"Records":[]}'.length;
/** SQS returns at most 10 messages a receive. */
export const MAX_RECEIVE_MESSAGES = 10;
/** The longest long poll SQS allows. */
export const MAX_WAIT_SECONDS = 20;

export interface GatherLimits {
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds in ms: 0 invokes with what the first receive brought. */
  readonly windowMs: number;
  readonly maxPayloadBytes: number;
}

/**
 * One batch being gathered from a queue: Lambda "continues to poll messages ... until the batch
 * window expires, the invocation payload size quota is reached, or the configured maximum batch
 * size is reached"; without a window, the first receive that brings messages makes the batch.
 * A message that would take the batch past 6 MB waits for the next one (a lone message over it
 * still goes alone).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html (batching behaviour)
 */
export class QueueBatchGatherer {
  private readonly messages: QueueMessage[] = [];
  private readonly overflow: QueueMessage[] = [];
  private bytes = ENVELOPE_BYTES;
  private startedAt: number | undefined;

  constructor(
    private limits: GatherLimits,
    /** Messages a previous batch had no room for: they start this one. */
    carried: readonly QueueMessage[],
    nowMs: number,
  ) {
    for (const message of carried) this.add(message, nowMs);
  }

  get size(): number {
    return this.messages.length;
  }

  /** Adds received messages in order; those with no room are kept for the next batch. */
  add(message: QueueMessage, nowMs: number): void {
    if (this.overflow.length > 0 || this.isFull()) {
      this.overflow.push(message);
      return;
    }
    const next = this.bytes + message.sizeBytes + (this.messages.length === 0 ? 0 : 1);
    if (this.messages.length > 0 && next > this.limits.maxPayloadBytes) {
      this.overflow.push(message);
      return;
    }
    this.startedAt ??= nowMs;
    this.bytes = next;
    this.messages.push(message);
  }

  /**
   * Limits changed (UpdateEventSourceMapping): they apply to this batch too, so a smaller BatchSize
   * holds even for what a receive begun under the old one brought; what no longer fits waits, in
   * order, for the next batch.
   */
  retarget(limits: GatherLimits): void {
    const { batchSize, windowMs, maxPayloadBytes } = this.limits;
    if (limits.batchSize === batchSize && limits.windowMs === windowMs && limits.maxPayloadBytes === maxPayloadBytes) return;
    this.limits = limits;
    const held = this.messages.splice(0).concat(this.overflow.splice(0));
    // The window keeps running from the first message (held is empty when it never started).
    const startedAt = this.startedAt ?? 0;
    this.bytes = ENVELOPE_BYTES;
    this.startedAt = undefined;
    for (const message of held) this.add(message, startedAt);
  }

  /** Whether the batch should be invoked now. */
  isReady(nowMs: number): boolean {
    if (this.messages.length === 0) return false;
    if (this.isFull() || this.overflow.length > 0 || this.limits.windowMs === 0) return true;
    return this.startedAt !== undefined && nowMs - this.startedAt >= this.limits.windowMs;
  }

  /** How long the next receive may wait (seconds) and how many messages it may ask for. */
  nextReceive(nowMs: number): { maxMessages: number; waitSeconds: number } {
    const maxMessages = Math.max(1, Math.min(MAX_RECEIVE_MESSAGES, this.limits.batchSize - this.messages.length));
    if (this.messages.length === 0 || this.startedAt === undefined) return { maxMessages, waitSeconds: MAX_WAIT_SECONDS };
    // Whole seconds, rounded up: a window may run up to a second long rather than short-poll its last one.
    const leftMs = this.limits.windowMs - (nowMs - this.startedAt);
    return { maxMessages, waitSeconds: Math.max(1, Math.min(MAX_WAIT_SECONDS, Math.ceil(leftMs / 1000))) };
  }

  /** The batch, and what is left for the next one. */
  take(): { batch: QueueMessage[]; carried: QueueMessage[] } {
    return { batch: this.messages, carried: this.overflow };
  }

  private isFull(): boolean {
    return this.messages.length >= this.limits.batchSize || this.bytes >= this.limits.maxPayloadBytes;
  }
}

export { MAX_PAYLOAD_BYTES };
