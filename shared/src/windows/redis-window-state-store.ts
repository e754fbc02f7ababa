import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineLuaScript, runLuaScript } from '../redis/lua-scripts.js';
import { globLiteral, scanKeys } from '../redis/redis-connection.js';
import type { RedisKeys } from '../redis/redis-keys.js';
import type { WindowStateKey, WindowStateRecord, WindowStateStore, WindowStateWrite } from './window-state-store.js';

/** Lambda keeps at most 1 MB of state per shard; past it the window ends early (services-kinesis-windows.html). */
export const DEFAULT_WINDOW_STATE_MAX_BYTES = 1024 * 1024;
/**
 * An open window's state lives as long as its shard may be held by a failing batch; a week covers
 * the default Kinesis retention (Lambda's own limit on how long a shard can be retried).
 */
const OPEN_STATE_TTL_MS = 7 * 24 * 3600 * 1000;
/** A closed window is remembered a day, so a re-read after a crash does not invoke its records again. */
const CLOSED_STATE_TTL_MS = 24 * 3600 * 1000;

/**
 * WindowStateStore on Redis: one hash per window at
 * `{prefix:windows:<mapping>}:window-state:<stream incarnation hash>:<shard>:<window start ms>`
 * (one slot per mapping), written only
 * through saveWindowState-1.lua (version-checked).
 */
export class RedisWindowStateStore implements WindowStateStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly maxStateBytes = DEFAULT_WINDOW_STATE_MAX_BYTES,
  ) {
    defineLuaScript(redis, 'saveWindowState-1.lua');
  }

  private keyOf(key: WindowStateKey): string {
    const incarnation = createHash('sha256').update(key.streamIdentity).digest('hex').slice(0, 12);
    return this.keys.windowKey(key.mappingId, 'window-state', incarnation, key.shardId, String(key.windowStartMs));
  }

  async read(key: WindowStateKey): Promise<WindowStateRecord> {
    const [state, version, through, finalizedThrough, overCap] = await this.redis.hmget(this.keyOf(key), 'state', 'version', 'through', 'finalizedThrough', 'overCap');
    return {
      stateJson: state ?? '{}',
      version: Number(version ?? '0'),
      ...(through ? { through } : {}),
      ...(finalizedThrough ? { finalizedThrough } : {}),
      overCap: overCap === '1',
    };
  }

  async save(key: WindowStateKey, expectedVersion: number, update: { readonly stateJson: string; readonly through?: string }): Promise<WindowStateWrite> {
    const args = ['save', expectedVersion, update.stateJson, update.through ?? '', this.maxStateBytes, OPEN_STATE_TTL_MS];
    return (await runLuaScript<number>(this.redis, 'saveWindowState', [this.keyOf(key)], args)) === 0 ? 'written' : 'conflict';
  }

  /**
   * Deletes every window state of a mapping, under every stream incarnation and shard, when the
   * mapping is deleted (with its leases and checkpoints). The keys are found by their prefix with
   * SCAN, which needs no index kept on the write path; a delete is rare. A window written by a batch
   * still in flight after this lapses with its time to live. Returns how many keys went.
   */
  async deleteMapping(mappingId: string): Promise<number> {
    let deleted = 0;
    for await (const { server, keys } of scanKeys(this.redis, `${globLiteral(this.keys.windowKey(mappingId, 'window-state'))}:*`)) {
      deleted += await server.unlink(...keys);
    }
    return deleted;
  }

  async close(key: WindowStateKey, expectedVersion: number, finalizedThrough: string, windowOver: boolean): Promise<WindowStateWrite> {
    const ttl = windowOver ? CLOSED_STATE_TTL_MS : OPEN_STATE_TTL_MS;
    const args = ['close', expectedVersion, finalizedThrough, '', 0, ttl];
    return (await runLuaScript<number>(this.redis, 'saveWindowState', [this.keyOf(key)], args)) === 0 ? 'written' : 'conflict';
  }
}
