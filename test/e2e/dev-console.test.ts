import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { SLUICE_BIN } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';
import { waitFor } from '../helpers/wait-for.js';

// `sluice dev` as a person runs it, in a terminal: util-linux `script` gives it a pseudo-terminal
// (stdout.isTTY), as a shell would. test/e2e/quickstart.test.ts covers the JSON lines of a pipe.

const stack = inject('stack');
const redisPrefix = uniqueName('e2e-dev-tty');
let dev: ChildProcess | undefined;

afterAll(async () => {
  if (dev?.pid !== undefined && dev.exitCode === null && dev.signalCode === null) process.kill(-dev.pid, 'SIGKILL');
  await deleteRedisPrefix(stack.redisUrl, redisPrefix);
});

describe('sluice dev in a terminal', () => {
  it('prints readable lines, one short line per demo invocation, and no JSON', async () => {
    // Arrange: every port free, no moto (the demo's Kinesis part is enough here).
    const child = spawn('script', ['-qfec', `'${process.execPath}' '${SLUICE_BIN}' dev`, '/dev/null'], {
      env: {
        ...process.env,
        REDIS_URL: stack.redisUrl,
        SLUICE_REDIS_PREFIX: redisPrefix,
        SLUICE_PORT: '0',
        SLUICE_INGRESS_PORT: '0',
        SLUICE_DEV_KINESIS_PORT: '0',
        SLUICE_DEV_DEMO_FUNCTION_PORT: '0',
        SLUICE_DEV_VENV: '/nonexistent/sluice-dev-tty-venv',
        SLUICE_DEV_PRODUCER_INTERVAL_MS: '100',
        SLUICE_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: Ctrl+C reaches `script` and sluice alike, as in a terminal.
      detached: true,
    });
    dev = child;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString().replaceAll('\r', '')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString().replaceAll('\r', '')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Act
    const invocations = await waitFor(
      () => {
        const found = output.split('\n').filter((line) => line.includes('demo function invoked'));
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 60_000, message: () => `no demo invocation lines; output so far:\n${output.slice(-3000)}` },
    );
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;

    // Assert
    for (const line of invocations) {
      expect(line).toMatch(
        /^\d\d:\d\d:\d\d INFO {2}demo-function: demo function invoked function=sluice-demo records=\d+ first=\{"sequence":\d+,"message":"hello from the Sluice demo #\d+".*$/,
      );
      expect(line.length).toBeLessThan(200);
    }
    expect(output).toContain('Sluice API listening on http://127.0.0.1:');
    expect(output).not.toContain('"msg":');
    expect(output).not.toContain('"Records"');
    expect(code, output.slice(-3000)).toBe(0);
  });
});
