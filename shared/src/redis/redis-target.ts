/**
 * Which Redis Sluice keeps its state in, read from REDIS_URL's form (parsed once at boot, with the
 * rest of the configuration):
 *
 * - `redis://[user:password@]host:port[/db]`, `rediss://...` one Redis or Valkey server (ioredis' URL);
 * - `redis+cluster://[user:password@]host1:port1,host2:port2,...` (`rediss+cluster://` for TLS) a
 *   Redis or Valkey Cluster, found from any of its seed nodes;
 * - `redis+sentinel://[user:password@]host1:port1,host2:port2/<master name>[/db]`
 *   (`rediss+sentinel://`) the master that these Sentinels name (ioredis' Sentinel support:
 *   https://github.com/redis/ioredis#sentinel); the user and password are the master's.
 */
export type RedisTarget =
  | { readonly mode: 'single'; readonly url: string }
  | { readonly mode: 'cluster'; readonly url: string; readonly nodes: readonly RedisNode[]; readonly tls: boolean; readonly auth: RedisAuth }
  | {
      readonly mode: 'sentinel';
      readonly url: string;
      readonly sentinels: readonly RedisNode[];
      readonly masterName: string;
      readonly db: number;
      readonly tls: boolean;
      readonly auth: RedisAuth;
    };

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

export interface RedisAuth {
  readonly username?: string;
  readonly password?: string;
}

/** Redis's port, and Sentinel's (https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/). */
const DEFAULT_PORT = { cluster: 6379, sentinel: 26379 } as const;

const MULTI_HOST = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#@]+)(?:\/([^?#]*))?$/;

/** The target a REDIS_URL names, or the reason it names none. */
export function parseRedisTarget(url: string): RedisTarget | { readonly error: string } {
  if (/^rediss?:\/\//.test(url)) return { mode: 'single', url };
  const match = MULTI_HOST.exec(url);
  if (match === null) {
    return { error: 'must start with redis://, rediss://, redis+cluster:// (host:port,...) or redis+sentinel:// (host:port,.../<master name>)' };
  }
  const [, scheme, mode, username, password, hostList, path] = match as unknown as [string, string, 'cluster' | 'sentinel', string | undefined, string | undefined, string, string | undefined];
  const nodes: RedisNode[] = [];
  for (const entry of hostList.split(',')) {
    const node = /^([^:,]+)(?::(\d{1,5}))?$/.exec(entry.trim());
    const port = node?.[2] === undefined ? DEFAULT_PORT[mode] : Number(node[2]);
    if (node === null || port < 1 || port > 65535) return { error: `${JSON.stringify(entry)} is not host:port` };
    nodes.push({ host: node[1]!, port });
  }
  const auth: RedisAuth = {
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
  };
  const tls = scheme === 'rediss';
  const segments = (path ?? '').split('/').filter((s) => s !== '');
  if (mode === 'cluster') {
    // A cluster has one database (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/).
    if (segments.length > 0) return { error: 'a Redis Cluster has no database number or path: redis+cluster://host:port,host:port' };
    return { mode, url, nodes, tls, auth };
  }
  const [masterName, db = '0'] = segments;
  if (masterName === undefined || segments.length > 2 || !/^\d+$/.test(db)) {
    return { error: 'names the master after the Sentinels: redis+sentinel://host:port,host:port/<master name>[/db]' };
  }
  return { mode, url, sentinels: nodes, masterName: decodeURIComponent(masterName), db: Number(db), tls, auth };
}
