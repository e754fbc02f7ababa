import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort, pingRedis } from '@sluice/localstack';
import { waitFor } from './wait-for.js';

/** A redis-server of a test's own (a free port, its files in a temp dir) that it may kill and start again. */
export interface TestRedisServer {
  readonly url: string;
  /** SIGKILL, as a crash: the port closes at once. Resolves once the server has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same settings; resolves once it answers PING. */
  start(): Promise<void>;
  /** Kills it for good and removes its files. */
  stop(): Promise<void>;
}

/** Starts redis-server keeping nothing on disk, then `args` (e.g. ['--appendonly', 'yes']) on top. */
export async function startTestRedisServer(args: readonly string[] = []): Promise<TestRedisServer> {
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-test-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  const start = async () => {
    const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', ...args], {
      stdio: 'ignore',
    });
    server = child;
    await waitFor(async () => child.exitCode === null && (await pingRedis(url, 200)), { timeoutMs: 10_000, message: `redis-server on port ${port}` });
  };
  const kill = async () => {
    if (server === undefined || server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
