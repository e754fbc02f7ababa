import type { Redis } from 'ioredis';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import { mappingKeys } from '../mapping/redis-mapping-store.js';
import type { S3Binding } from './s3-binding.js';
import type { BucketBindings, CreateS3BindingResult, S3BindingPage, S3BindingStore } from './s3-binding-store.js';

const CREATE_RESULTS = { 0: 'created', 1: 'id-taken', 2: 'stale', 3: 'function-missing' } as const satisfies Record<number, CreateS3BindingResult>;

/**
 * The ids of the S3 bindings that invoke one function (by its name): kept by the create and remove
 * scripts, checked by removeFunction-5.lua so a function in use cannot be deleted, as with mappings.
 */
export function s3BindingsByFunctionKey(keys: RedisKeys, functionName: string): string {
  return keys.key('s3b-by-function', functionName);
}

function s3BindingKeys(keys: RedisKeys) {
  return {
    record: (id: string) => keys.key('s3b', id),
    order: keys.key('s3b-order'),
    seq: keys.key('s3b-seq'),
    bucket: (bucket: string) => keys.key('s3b-bucket', bucket),
    bucketVersion: (bucket: string) => keys.key('s3b-bucket-version', bucket),
    topic: (arn: string) => keys.key('s3b-topic', arn),
    byFunction: (name: string) => s3BindingsByFunctionKey(keys, name),
    functionRecord: mappingKeys(keys).functionRecord,
  };
}

/** S3BindingStore on Redis: one JSON string per binding, an order zset, per-bucket, per-topic and per-function sets; Lua for writes. */
export class RedisS3BindingStore implements S3BindingStore {
  private readonly k: ReturnType<typeof s3BindingKeys>;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
  ) {
    this.k = s3BindingKeys(keys);
    for (const file of ['createS3Binding-8.lua', 'removeS3Binding-6.lua']) defineLuaScript(redis, file);
  }

  async forBucket(bucket: string): Promise<BucketBindings> {
    // The version is read first: a write after it makes a create at this version fail as stale.
    const version = Number((await this.redis.get(this.k.bucketVersion(bucket))) ?? '0');
    const ids = await this.redis.smembers(this.k.bucket(bucket));
    return { version, bindings: await this.load(ids) };
  }

  async create(binding: S3Binding, bucketVersion: number): Promise<CreateS3BindingResult> {
    const code = await runLuaScript<0 | 1 | 2 | 3>(
      this.redis,
      'createS3Binding',
      [
        this.k.record(binding.id),
        this.k.order,
        this.k.seq,
        this.k.bucket(binding.bucket),
        this.k.bucketVersion(binding.bucket),
        this.k.topic(binding.topicArn ?? ''),
        this.k.functionRecord(binding.functionName),
        this.k.byFunction(binding.functionName),
      ],
      [binding.id, JSON.stringify(binding), bucketVersion, binding.topicArn ?? ''],
    );
    return CREATE_RESULTS[code];
  }

  async update(binding: S3Binding): Promise<boolean> {
    return (await this.redis.set(this.k.record(binding.id), JSON.stringify(binding), 'XX')) === 'OK';
  }

  async get(id: string): Promise<S3Binding | undefined> {
    return (await this.load([id]))[0];
  }

  async list(marker: string | undefined, limit: number): Promise<S3BindingPage> {
    const after = marker === undefined ? '-inf' : `(${marker}`;
    const flat = await this.redis.zrangebyscore(this.k.order, after, '+inf', 'WITHSCORES', 'LIMIT', 0, limit + 1);
    const entries: { id: string; seq: string }[] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i]!, seq: flat[i + 1]! });
    const page = entries.slice(0, limit);
    const bindings = await this.load(page.map((e) => e.id));
    const last = page.at(-1);
    return { bindings, ...(entries.length > limit && last ? { nextMarker: last.seq } : {}) };
  }

  async remove(binding: S3Binding): Promise<boolean> {
    const code = await runLuaScript<0 | 1>(
      this.redis,
      'removeS3Binding',
      [
        this.k.record(binding.id),
        this.k.order,
        this.k.bucket(binding.bucket),
        this.k.bucketVersion(binding.bucket),
        this.k.topic(binding.topicArn ?? ''),
        this.k.byFunction(binding.functionName),
      ],
      [binding.id, binding.topicArn ?? ''],
    );
    return code === 0;
  }

  async countForTopic(topicArn: string): Promise<number> {
    return this.redis.scard(this.k.topic(topicArn));
  }

  private async load(ids: readonly string[]): Promise<S3Binding[]> {
    if (ids.length === 0) return [];
    const datas = await this.redis.mget(ids.map((id) => this.k.record(id)));
    return datas.filter((d): d is string => d !== null).map((d) => JSON.parse(d) as S3Binding);
  }
}
