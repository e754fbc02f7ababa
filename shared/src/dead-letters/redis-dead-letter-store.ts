import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import { MAX_DEAD_LETTER_PAYLOAD_BYTES, deadLetterRecordCount, type DeadLetter, type DeadLetterReplay, type DeadLetterSummary } from './dead-letter.js';
import type { DeadLetterPage, DeadLetterQuery, DeadLetterStore } from './dead-letter-store.js';

/** Ids read per round while a page is filled or a purge walks an index. */
const CHUNK = 100;

type StoredSummary = Omit<DeadLetterSummary, 'replays' | 'lastReplay'>;

/**
 * DeadLetterStore on Redis. Each entry is a hash (`summary` JSON, `payload` JSON, `replays`,
 * `lastReplay`) at `{prefix}:dead-letter:<id>`; zsets index the ids: all of them, per mapping and
 * per function. Every zset scores 0 and ids are UUIDv7, so lexical order is creation order and a
 * page starts after its marker with ZREVRANGEBYLEX, stable while entries come and go.
 */
export class RedisDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly maxPayloadBytes = MAX_DEAD_LETTER_PAYLOAD_BYTES,
  ) {
    for (const file of ['parkDeadLetter-4.lua', 'removeDeadLetter-4.lua', 'recordDeadLetterReplay-1.lua']) defineLuaScript(redis, file);
  }

  private entryKey = (id: string) => this.keys.deadLetterKey('dead-letter', id);
  private allKey = () => this.keys.deadLetterKey('dead-letters');
  private mappingKey = (mappingId: string) => this.keys.deadLetterKey('dead-letters', 'mapping', mappingId);
  private functionKey = (name: string) => this.keys.deadLetterKey('dead-letters', 'function', name);
  /**
   * The scripts' third index: the mapping's, or for an asynchronous event (no mapping) the
   * function's again, where adding and removing the same id twice is harmless.
   */
  private ownerKey = (entry: { readonly mappingId?: string | undefined; readonly functionName: string }) =>
    entry.mappingId === undefined ? this.functionKey(entry.functionName) : this.mappingKey(entry.mappingId);

  async park(entry: Omit<DeadLetter, 'replays' | 'lastReplay'>): Promise<void> {
    const payload = entry.payload === undefined ? '' : JSON.stringify(entry.payload);
    // Bounded as Lambda bounds an invocation: a larger payload could not be replayed anyway.
    const omitted = payload === '' || Buffer.byteLength(payload) > this.maxPayloadBytes;
    const summary: StoredSummary = {
      id: entry.id,
      kind: entry.kind,
      mappingId: entry.mappingId,
      functionName: entry.functionName,
      createdAt: entry.createdAt,
      failureRecord: entry.failureRecord,
      recordCount: deadLetterRecordCount(entry.kind, entry.payload),
      payloadOmitted: omitted,
    };
    await runLuaScript<number>(
      this.redis,
      'parkDeadLetter',
      [this.entryKey(entry.id), this.allKey(), this.ownerKey(entry), this.functionKey(entry.functionName)],
      [entry.id, JSON.stringify(summary), omitted ? '' : payload],
    );
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const [summary, payload, replays, lastReplay] = await this.redis.hmget(this.entryKey(id), 'summary', 'payload', 'replays', 'lastReplay');
    if (!summary) return undefined;
    const { recordCount: _count, payloadOmitted: _omitted, ...rest } = JSON.parse(summary) as StoredSummary;
    return {
      ...rest,
      ...(payload ? { payload: JSON.parse(payload) as DeadLetter['payload'] & object } : {}),
      replays: Number(replays ?? 0),
      ...(lastReplay ? { lastReplay: JSON.parse(lastReplay) as DeadLetterReplay } : {}),
    };
  }

  async list(query: DeadLetterQuery): Promise<DeadLetterPage> {
    const index = query.mappingId !== undefined ? this.mappingKey(query.mappingId) : query.functionName !== undefined ? this.functionKey(query.functionName) : this.allKey();
    // With both filters the mapping's index is walked and the function's entries kept.
    const keep = (s: DeadLetterSummary) => query.mappingId === undefined || query.functionName === undefined || s.functionName === query.functionName;
    const found: DeadLetterSummary[] = [];
    let after = query.marker;
    for (;;) {
      const ids = await this.redis.zrevrangebylex(index, after === undefined ? '+' : `(${after}`, '-', 'LIMIT', 0, CHUNK);
      for (const summary of await this.summaries(ids)) {
        if (!keep(summary)) continue;
        found.push(summary);
        // One more than asked says whether a next page exists.
        if (found.length > query.limit) {
          const page = found.slice(0, query.limit);
          return { deadLetters: page, nextMarker: page.at(-1)!.id };
        }
      }
      if (ids.length < CHUNK) return { deadLetters: found };
      after = ids.at(-1);
    }
  }

  async recordReplayFailure(id: string, replay: DeadLetterReplay): Promise<boolean> {
    const count = await runLuaScript<number>(this.redis, 'recordDeadLetterReplay', [this.entryKey(id)], [JSON.stringify(replay)]);
    return count >= 0;
  }

  async remove(id: string): Promise<boolean> {
    const summary = await this.redis.hget(this.entryKey(id), 'summary');
    if (summary === null) return false;
    const stored = JSON.parse(summary) as StoredSummary;
    const code = await runLuaScript<number>(
      this.redis,
      'removeDeadLetter',
      [this.entryKey(id), this.allKey(), this.ownerKey(stored), this.functionKey(stored.functionName)],
      [id],
    );
    return code === 0;
  }

  async purge(filter: { readonly mappingId?: string; readonly functionName?: string }): Promise<number> {
    if (filter.mappingId === undefined && filter.functionName === undefined) throw new Error('purge needs a mapping or a function');
    let removed = 0;
    let marker: string | undefined;
    for (;;) {
      const page = await this.list({ ...filter, ...(marker === undefined ? {} : { marker }), limit: CHUNK });
      for (const entry of page.deadLetters) if (await this.remove(entry.id)) removed += 1;
      if (page.nextMarker === undefined) return removed;
      marker = page.nextMarker;
    }
  }

  private async summaries(ids: readonly string[]): Promise<DeadLetterSummary[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.entryKey(id), 'summary', 'replays', 'lastReplay');
    const rows = (await pipeline.exec()) ?? [];
    const out: DeadLetterSummary[] = [];
    for (const [error, row] of rows) {
      if (error) throw error;
      const [summary, replays, lastReplay] = row as (string | null)[];
      // Removed between the index read and this one.
      if (!summary) continue;
      out.push({
        ...(JSON.parse(summary) as StoredSummary),
        replays: Number(replays ?? 0),
        ...(lastReplay ? { lastReplay: JSON.parse(lastReplay) as DeadLetterReplay } : {}),
      });
    }
    return out;
  }
}
