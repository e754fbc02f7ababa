import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis/redis-keys.js';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import { sourceProfile } from '../sources/source-kinds.js';
import type { EventSourceMapping } from './event-source-mapping.js';
import type {
  ConditionalWriteResult,
  CreateMappingResult,
  ListMappingsQuery,
  ReplaceMappingResult,
  MappingPage,
  MappingStore,
} from './mapping-store.js';

const WRITE_RESULTS: Record<number, ConditionalWriteResult> = { 0: 'written', 1: 'missing', 2: 'stale' };

/** Keys of the mapping registry; functionKey is shared with the function registry. */
export function mappingKeys(keys: RedisKeys) {
  return {
    record: (uuid: string) => keys.key('esm', uuid),
    binding: (sourceArn: string, functionArn: string) => keys.key('esm-binding', `${sourceArn}|${functionArn}`),
    order: keys.key('esm-order'),
    seq: keys.key('esm-seq'),
    bySource: (arn: string) => keys.key('esm-by-source', arn),
    byFunction: (name: string) => keys.key('esm-by-function', name),
    settle: keys.key('esm-settle'),
    changes: keys.key('esm-changes'),
    functionRecord: (name: string) => keys.key('fn', name),
  };
}

/** MappingStore on Redis: one hash per mapping, index sets, and Lua for every conditional write. */
export class RedisMappingStore implements MappingStore {
  private readonly k: ReturnType<typeof mappingKeys>;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.k = mappingKeys(keys);
    for (const file of ['createMapping-8.lua', 'replaceMapping-7.lua', 'removeMapping-6.lua', 'setProcessingResult-1.lua']) defineLuaScript(redis, file);
  }

  async create(mapping: EventSourceMapping, settleAt: number, tags: Readonly<Record<string, string>> = {}): Promise<CreateMappingResult> {
    const k = this.k;
    const [code, value] = await runLuaScript<[number, string?]>(
      this.redis,
      'createMapping',
      [
        k.record(mapping.uuid),
        k.binding(mapping.eventSourceArn, mapping.functionArn),
        k.order,
        k.bySource(mapping.eventSourceArn),
        k.byFunction(mapping.functionName),
        k.functionRecord(mapping.functionName),
        k.settle,
        k.seq,
      ],
      [mapping.uuid, JSON.stringify({ ...mapping, version: 1 }), settleAt, k.changes, JSON.stringify(tags)],
    );
    if (code === 1) return { outcome: 'duplicate', existingUuid: String(value) };
    if (code === 2) return { outcome: 'function-missing' };
    return { outcome: 'created' };
  }

  async get(uuid: string): Promise<EventSourceMapping | undefined> {
    return (await this.load([uuid]))[0];
  }

  async setLastProcessingResult(uuid: string, result: string): Promise<void> {
    await runLuaScript<number>(this.redis, 'setProcessingResult', [this.k.record(uuid)], [result]);
  }

  async list(query: ListMappingsQuery): Promise<MappingPage> {
    const after = query.marker === undefined ? 0 : Number(query.marker);
    const entries = await this.candidates(query, after);
    const page = entries.slice(0, query.limit);
    const mappings = await this.load(page.map((e) => e.uuid));
    const last = page.at(-1);
    return {
      mappings: mappings.filter((m) => matches(m, query)),
      ...(entries.length > query.limit && last ? { nextMarker: String(last.seq) } : {}),
    };
  }

  async replace(current: EventSourceMapping, next: EventSourceMapping, settleAt: number | undefined): Promise<ReplaceMappingResult> {
    const k = this.k;
    const [code, taken] = await runLuaScript<[number, string?]>(
      this.redis,
      'replaceMapping',
      [
        k.record(next.uuid),
        k.settle,
        k.binding(current.eventSourceArn, current.functionArn),
        k.binding(next.eventSourceArn, next.functionArn),
        k.byFunction(current.functionName),
        k.byFunction(next.functionName),
        k.functionRecord(next.functionName),
      ],
      [next.uuid, current.version, JSON.stringify({ ...next, version: current.version + 1 }), settleAt ?? -1, k.changes],
    );
    if (code === 3) return { outcome: 'duplicate', existingUuid: String(taken) };
    if (code === 4) return { outcome: 'function-missing' };
    return { outcome: WRITE_RESULTS[code]! };
  }

  async remove(current: EventSourceMapping): Promise<ConditionalWriteResult> {
    const k = this.k;
    const code = await runLuaScript<number>(
      this.redis,
      'removeMapping',
      [
        k.record(current.uuid),
        k.binding(current.eventSourceArn, current.functionArn),
        k.order,
        k.bySource(current.eventSourceArn),
        k.byFunction(current.functionName),
        k.settle,
      ],
      [current.uuid, current.version, k.changes],
    );
    return WRITE_RESULTS[code]!;
  }

  async subscribe(onChange: (uuid: string) => void): Promise<() => Promise<void>> {
    const subscriber = this.redis.duplicate();
    subscriber.on('message', (_channel: string, uuid: string) => onChange(uuid));
    await subscriber.subscribe(this.k.changes);
    return async () => {
      await subscriber.quit();
    };
  }

  dueForSettling(now: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k.settle, '-inf', now, 'LIMIT', 0, limit);
  }

  /** Ordered (seq, uuid) pairs after the marker, one more than the page so we know if more follow. */
  private async candidates(query: ListMappingsQuery, after: number): Promise<{ seq: number; uuid: string }[]> {
    if (query.eventSourceArn === undefined && query.functionName === undefined) {
      const flat = await this.redis.zrangebyscore(this.k.order, `(${after}`, '+inf', 'WITHSCORES', 'LIMIT', 0, query.limit + 1);
      const out: { seq: number; uuid: string }[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push({ uuid: flat[i]!, seq: Number(flat[i + 1]) });
      return out;
    }
    // A filtered list reads the smaller index; mappings per source or function are few.
    const uuids =
      query.eventSourceArn !== undefined
        ? await this.redis.smembers(this.k.bySource(query.eventSourceArn))
        : await this.redis.smembers(this.k.byFunction(query.functionName!));
    const mappings = await this.load(uuids);
    const seqs = await Promise.all(mappings.map((m) => this.redis.hget(this.k.record(m.uuid), 'seq')));
    return mappings
      .map((m, i) => ({ mapping: m, seq: Number(seqs[i]) }))
      .filter((e) => matches(e.mapping, query) && e.seq > after)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, query.limit + 1)
      .map((e) => ({ seq: e.seq, uuid: e.mapping.uuid }));
  }

  /** Reads records with the LastProcessingResult the pollers keep beside them. */
  private async load(uuids: readonly string[]): Promise<EventSourceMapping[]> {
    const rows = await Promise.all(uuids.map((uuid) => this.redis.hmget(this.k.record(uuid), 'data', 'lastProcessingResult')));
    return rows
      .filter((row): row is [string, string | null] => row[0] !== null)
      .map(([data, result]) => {
        const mapping = withSourceModel(JSON.parse(data) as StoredMapping);
        return result === null ? mapping : { ...mapping, lastProcessingResult: result };
      });
  }
}

/** A record as stored: those written before SQS mappings (2026-12-07) have no sourceModel. */
type StoredMapping = Omit<EventSourceMapping, 'sourceModel'> & { readonly sourceModel?: EventSourceMapping['sourceModel'] };

function withSourceModel(stored: StoredMapping): EventSourceMapping {
  return (stored.sourceModel === undefined ? { ...stored, sourceModel: sourceProfile(stored.sourceKind).model } : stored) as EventSourceMapping;
}

function matches(m: EventSourceMapping, query: ListMappingsQuery): boolean {
  return (
    (query.eventSourceArn === undefined || m.eventSourceArn === query.eventSourceArn) &&
    (query.functionName === undefined || m.functionName === query.functionName)
  );
}
