import {
  SubscribeToShardCommand,
  type KinesisClient,
  type StartingPosition,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { ErrorCode, SluiceError, buildKinesisStreamRecord, type StreamRecord } from '@sluice/shared';
import { classifyAwsError } from './aws-error-classifier.js';
import { hasShardEnded } from './kinesis-shard-end-probe.js';
import type { ReadPosition, ReadResult, ShardReader } from './stream-source.js';

export interface FanOutReaderOptions {
  /** Longest one read waits for the next event before it returns empty (AWS and kinesis-local push one about every second). */
  readonly maxWaitMs?: number;
  /** Pause before subscribing again after ResourceInUseException (a subscription less than 5 s old). */
  readonly resubscribeDelayMs?: number;
  /** ResourceInUseException answers in a row taken as "not yet" before the error is thrown. */
  readonly maxInUseRetries?: number;
  /** While caught up, how often to check that the shard has not ended without a ChildShards event. */
  readonly endProbeIntervalMs?: number;
  /** Lambda's `invokeIdentityArn` in each record; defaults to the sluice role of the stream's account. */
  readonly invokeIdentityArn?: string;
}

export interface FanOutShardTarget {
  readonly kinesis: KinesisClient;
  readonly consumerArn: string;
  readonly streamArn: string;
  readonly shardId: string;
}

interface Subscription {
  readonly controller: AbortController;
  readonly events: AsyncIterator<SubscribeToShardEventStream>;
  /** Whether an event came: an exception before the first one refused the subscription itself. */
  received: boolean;
  pending?: Promise<IteratorResult<SubscribeToShardEventStream>>;
}

const DEFAULTS = { maxWaitMs: 1_000, resubscribeDelayMs: 1_000, maxInUseRetries: 10, endProbeIntervalMs: 30_000 } as const;

/**
 * A ShardReader fed by enhanced fan-out: SubscribeToShard pushes events, this buffers their records
 * and hands them out in order. A subscription lasts 5 minutes on AWS; whenever one ends (or breaks)
 * the next read subscribes again after the last ContinuationSequenceNumber, so nothing is lost or
 * repeated. The shard has ended when an event carries ChildShards and no continuation.
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html
 * https://docs.aws.amazon.com/streams/latest/dev/building-enhanced-consumers-api.html
 */
export class FanOutShardReader implements ShardReader {
  private readonly options: Required<Omit<FanOutReaderOptions, 'invokeIdentityArn'>>;
  private readonly buffer: StreamRecord[] = [];
  private subscription: Subscription | undefined;
  private continuation: string | undefined;
  private millisBehindLatest: number | undefined;
  private ended = false;
  private closed = false;
  private notBefore = 0;
  private inUseAnswers = 0;
  private lastProbeAt = Date.now();

  private constructor(
    private readonly target: FanOutShardTarget,
    private readonly start: ReadPosition,
    private readonly invokeIdentityArn: string | undefined,
    options: FanOutReaderOptions,
  ) {
    this.options = { ...DEFAULTS, ...definedOnly(options) };
  }

  /** Subscribes now, so a LATEST reader starts at the tip as of opening and a bad shard fails here. */
  static async open(target: FanOutShardTarget, start: ReadPosition, options: FanOutReaderOptions = {}): Promise<FanOutShardReader> {
    const reader = new FanOutShardReader(target, start, options.invokeIdentityArn, options);
    await reader.subscribe();
    return reader;
  }

  async read(limit: number, signal?: AbortSignal): Promise<ReadResult> {
    if (this.closed) throw new SluiceError(ErrorCode.SourceInvalid, 'read() on a closed shard reader');
    signal?.throwIfAborted();
    if (this.buffer.length === 0 && !this.ended) await this.pull(signal);
    const records = this.buffer.splice(0, Math.max(1, limit));
    return {
      records,
      shardEnded: this.ended && this.buffer.length === 0,
      ...(this.millisBehindLatest === undefined ? {} : { millisBehindLatest: this.millisBehindLatest }),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drop();
  }

  /** Takes at most one event, waiting at most maxWaitMs; subscribes first when none is open. */
  private async pull(signal?: AbortSignal): Promise<void> {
    const subscription = this.subscription ?? (await this.subscribe(signal));
    if (subscription === undefined) return;
    let next: IteratorResult<SubscribeToShardEventStream> | 'timeout';
    try {
      next = await this.nextEvent(subscription, signal);
      if (next !== 'timeout' && next.done !== true) throwIfExceptionEvent(next.value);
    } catch (error) {
      this.drop();
      if (signal?.aborted) throw signal.reason;
      // Kinesis refuses a subscription held by another (or less than 5 s old) in the stream's first
      // event rather than in the response: that is "not yet", as when SubscribeToShard answers it.
      if (!subscription.received && this.backOffInUse(error)) return;
      throw classifyAwsError(error, 'Kinesis SubscribeToShard event stream');
    }
    if (next === 'timeout') return;
    subscription.pending = undefined;
    // The subscription ended (after 5 minutes on AWS): the next read subscribes again.
    if (next.done === true) return this.drop();
    subscription.received = true;
    this.inUseAnswers = 0;
    await this.take(next.value.SubscribeToShardEvent!, signal);
  }

  private async take(data: SubscribeToShardEvent, signal?: AbortSignal): Promise<void> {
    this.append(data);
    if ((data.ChildShards ?? []).length > 0 && (data.ContinuationSequenceNumber ?? undefined) === undefined) {
      this.ended = true;
      return this.drop();
    }
    if ((data.Records ?? []).length === 0) await this.probeEnd(signal);
  }

  /**
   * ResourceInUseException: wait resubscribeDelayMs and subscribe again, up to maxInUseRetries
   * answers in a row. True when the error was that and is taken as "not yet".
   * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html
   */
  private backOffInUse(error: unknown): boolean {
    if (nameOf(error) !== 'ResourceInUseException' || this.inUseAnswers >= this.options.maxInUseRetries) return false;
    this.inUseAnswers += 1;
    this.notBefore = Date.now() + this.options.resubscribeDelayMs;
    return true;
  }

  private append(data: SubscribeToShardEvent): void {
    const context = { shardId: this.target.shardId, streamArn: this.target.streamArn, ...this.identityArn() };
    const records = (data.Records ?? []).map((record) => buildKinesisStreamRecord(record, context));
    this.buffer.push(...records);
    this.continuation = data.ContinuationSequenceNumber ?? records.at(-1)?.sequenceNumber ?? this.continuation;
    if (data.MillisBehindLatest !== undefined) this.millisBehindLatest = data.MillisBehindLatest;
  }

  /** Caught up: now and then, check the shard has not ended without saying so (kinesis-shard-end-probe.ts). */
  private async probeEnd(signal?: AbortSignal): Promise<void> {
    if (Date.now() - this.lastProbeAt < this.options.endProbeIntervalMs) return;
    this.lastProbeAt = Date.now();
    const { kinesis, streamArn, shardId } = this.target;
    try {
      if (await hasShardEnded({ kinesis, streamArn, shardId }, this.resumePosition(), signal)) {
        this.ended = true;
        this.drop();
      }
    } catch {
      if (signal?.aborted) throw signal.reason;
      // Best effort: the subscription goes on, and the next quiet moment asks again.
    }
  }

  /** SubscribeToShard. Undefined while a previous subscription still holds the shard (ResourceInUseException). */
  private async subscribe(signal?: AbortSignal): Promise<Subscription | undefined> {
    if (Date.now() < this.notBefore) return undefined;
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    try {
      const { consumerArn, shardId, kinesis } = this.target;
      const command = new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: this.startingPosition() });
      const out = await kinesis.send(command, { abortSignal: controller.signal });
      if (out.EventStream === undefined) throw new SluiceError(ErrorCode.SourceTransient, 'Kinesis SubscribeToShard: no event stream', { retryable: true });
      this.subscription = { controller, events: out.EventStream[Symbol.asyncIterator](), received: false };
      return this.subscription;
    } catch (error) {
      controller.abort();
      if (signal?.aborted) throw signal.reason;
      if (this.backOffInUse(error)) return undefined;
      throw classifyAwsError(error, 'Kinesis SubscribeToShard');
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** The next event, or 'timeout' after maxWaitMs; an unanswered next() is kept for the following read. */
  private nextEvent(subscription: Subscription, signal?: AbortSignal): Promise<IteratorResult<SubscribeToShardEventStream> | 'timeout'> {
    if (subscription.pending === undefined) {
      subscription.pending = subscription.events.next();
      subscription.pending.catch(() => undefined); // observed below, or abandoned with its subscription
    }
    const pending = subscription.pending;
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = () => finish(() => reject(signal?.reason));
      const timer = setTimeout(() => finish(() => resolve('timeout')), this.options.maxWaitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  private drop(): void {
    const subscription = this.subscription;
    this.subscription = undefined;
    if (subscription === undefined) return;
    subscription.controller.abort();
    subscription.events.return?.().catch(() => undefined);
  }

  /** Just after the last event taken, else the reader's start position. */
  private resumePosition(): ReadPosition {
    return this.continuation === undefined ? this.start : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.continuation };
  }

  private startingPosition(): StartingPosition {
    const position = this.resumePosition();
    switch (position.type) {
      case 'TRIM_HORIZON':
      case 'LATEST':
        return { Type: position.type };
      case 'AT_TIMESTAMP':
        return { Type: 'AT_TIMESTAMP', Timestamp: new Date(position.timestampMs) };
      case 'AFTER_SEQUENCE_NUMBER':
        return { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.sequenceNumber };
    }
  }

  private identityArn(): { invokeIdentityArn?: string } {
    return this.invokeIdentityArn === undefined ? {} : { invokeIdentityArn: this.invokeIdentityArn };
  }
}

/**
 * Throws an exception event (ResourceInUseException, ResourceNotFoundException, InternalFailureException,
 * KMS...) as an error named after its member, for a client that yields it instead of throwing it.
 */
function throwIfExceptionEvent(event: SubscribeToShardEventStream): void {
  if (event.SubscribeToShardEvent !== undefined) return;
  const [name, value] = Object.entries(event)[0] ?? ['UnknownEvent', undefined];
  throw Object.assign(new Error(messageOf(value) ?? name), { name });
}

function nameOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string' ? (error as { name: string }).name : undefined;
}

function messageOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string'
    ? (value as { message: string }).message
    : undefined;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
