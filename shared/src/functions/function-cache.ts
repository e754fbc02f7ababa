import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { FunctionDefinition } from './function-definition.js';
import type { FunctionStore } from './function-store.js';

/**
 * The longest a cached definition is used without a change notice: a backstop for a notice that
 * never came (a writer that died between its write and its publish, a record edited by hand).
 * Lambda itself runs invocations on the previous configuration while an update is in progress
 * (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html), so a second is well inside
 * what a function's caller already has to expect.
 */
export const FUNCTION_CACHE_TTL_MS = 1000;

/**
 * Function definitions a worker has read, kept so that an invocation does not wait on a Redis
 * round trip for its function each time (bench/invoke-overhead.ts). It is only trusted while its
 * FunctionChangeListener is subscribed: every registry write publishes the function's name
 * (functionChangesChannel) and the entry is dropped at once; while the subscription is down
 * (`suspend`) every get reads Redis. Missing functions are never cached, so a newly registered one
 * is found at once. A read that overlapped a change notice is used but not kept (generation check).
 */
export class CachedFunctionStore implements Pick<FunctionStore, 'get'> {
  private readonly entries = new Map<string, { readonly fn: FunctionDefinition; readonly readAt: number }>();
  private generation = 0;
  private trusted = false;

  constructor(
    private readonly store: Pick<FunctionStore, 'get'>,
    private readonly options: { readonly ttlMs?: number; readonly now?: () => number } = {},
  ) {}

  async get(name: string): Promise<FunctionDefinition | undefined> {
    const now = this.options.now ?? Date.now;
    const entry = this.trusted ? this.entries.get(name) : undefined;
    if (entry !== undefined && now() - entry.readAt < (this.options.ttlMs ?? FUNCTION_CACHE_TTL_MS)) return entry.fn;
    const generation = this.generation;
    const readAt = now();
    const fn = await this.store.get(name);
    if (fn === undefined) this.entries.delete(name);
    else if (this.trusted && generation === this.generation) this.entries.set(name, { fn, readAt });
    return fn;
  }

  /** A change notice: the next get of `name` reads Redis. */
  changed(name: string): void {
    this.generation += 1;
    this.entries.delete(name);
  }

  /** Notices may be missed from now on: drop everything and read Redis until resume(). */
  suspend(): void {
    this.generation += 1;
    this.trusted = false;
    this.entries.clear();
  }

  /** The subscription is confirmed: notices arrive for every write Redis runs from now on. */
  resume(): void {
    this.generation += 1;
    this.trusted = true;
  }
}

/**
 * Keeps a CachedFunctionStore told of registry changes over a subscriber connection of its own.
 * The cache is trusted only after Redis confirmed our SUBSCRIBE (Redis runs commands in order, so
 * every write after that point reaches us); a closed connection suspends it until ioredis has
 * reconnected and our SUBSCRIBE is confirmed again.
 */
export class FunctionChangeListener {
  private stopped = false;

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly cache: CachedFunctionStore,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (from: string, name: string) => {
      if (from === channel) cache.changed(name);
    });
    subscriber.on('close', () => cache.suspend());
    subscriber.on('ready', () => void this.subscribe());
  }

  /** Subscribes; resolves once the cache is trusted (or the subscription failed and it stays off). */
  async start(): Promise<void> {
    await this.subscribe();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cache.suspend();
    await this.subscriber.quit().catch(() => undefined);
  }

  private async subscribe(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.subscriber.subscribe(this.channel);
      if (!this.stopped) this.cache.resume();
    } catch (error) {
      // Without notices the cache stays off and every invocation reads its function from Redis.
      this.cache.suspend();
      this.logger.warn({ err: error }, 'function change notices unavailable: reading functions from Redis each time');
    }
  }
}
