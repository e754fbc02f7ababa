import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { findFreePort } from './free-port.js';
import { startManagedProcess, type ManagedProcess } from './managed-process.js';
import { pingRedis } from './ensure-redis.js';
import { pollUntil } from './poll-until.js';
import { waitForService } from './wait-for-service.js';

const run = promisify(execFile);

/** A local Redis Cluster of masters only, each node a redis-server child on free loopback ports. */
export interface LocalRedisCluster {
  /** REDIS_URL for Sluice: `redis+cluster://127.0.0.1:<port>,...` (shared/src/redis/redis-target.ts). */
  readonly url: string;
  /** Each master's own `redis://` URL (a node answers MOVED for keys of another's slots). */
  readonly nodeUrls: readonly string[];
  /** Stops every node and removes their files. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-servers with `cluster-enabled yes` (each its own temp dir, nodes.conf
 * and two free ports: clients' and the cluster bus's, `cluster-port`, Redis 7+), joins them with
 * `redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes`, which spreads the 16,384
 * slots evenly, and resolves once every node reports `cluster_state:ok`. Nothing is kept on disk.
 * https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/#create-a-redis-cluster
 */
export async function startLocalRedisCluster(options: { readonly masters?: number; readonly timeoutMs?: number } = {}): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  if (masters < 3) throw new RangeError('redis-cli --cluster create needs at least 3 masters');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-cluster-'));
  const nodes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i += 1) {
      const [port, busPort] = await distinctFreePorts(2, ports);
      ports.push(port!, busPort!);
      const args = [
        ...['--bind', '127.0.0.1', '--port', String(port), '--cluster-port', String(busPort)],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir],
        ...['--save', '', '--appendonly', 'no', '--cluster-node-timeout', '5000'],
      ];
      const node = await startManagedProcess({ name: `redis-server (cluster node ${port})`, command: 'redis-server', args });
      nodes.push(node);
      await waitForService(node, () => pingRedis(`redis://127.0.0.1:${port}`, 500), { timeoutMs, what: `redis cluster node on port ${port}` });
    }
    const clientPorts = ports.filter((_, i) => i % 2 === 0);
    const addresses = clientPorts.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: timeoutMs });
    const nodeUrls = clientPorts.map((port) => `redis://127.0.0.1:${port}`);
    await pollUntil(async () => ((await Promise.all(nodeUrls.map(clusterStateOk))).every(Boolean) ? true : undefined), {
      description: 'every cluster node to report cluster_state:ok',
      timeoutMs,
      intervalMs: 100,
    });
    return { url: `redis+cluster://${addresses.join(',')}`, nodeUrls, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function clusterStateOk(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return /^cluster_state:ok/m.test(await redis.cluster('INFO'));
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** `count` free ports, none of them in `taken` (the OS may hand a just-freed port out again). */
async function distinctFreePorts(count: number, taken: readonly number[]): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const port = await findFreePort();
    if (!taken.includes(port) && !out.includes(port)) out.push(port);
  }
  return out;
}
