import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFreePort, isPortInUse } from '@sluice/localstack';
import { listeningPids } from '../helpers/listening-addresses.js';
import { isProcessAlive } from '../helpers/process-alive.js';
import { waitFor } from '../helpers/wait-for.js';

// What the embedded stack leaves behind when its parent dies without stopping it. The parent is a
// separate Node process running the built @sluice/localstack, as `sluice dev` does.

const LOCALSTACK = fileURLToPath(new URL('../../localstack/dist/index.js', import.meta.url));
const VENV = fileURLToPath(new URL('../../.venv', import.meta.url));

interface ParentReport {
  readonly kinesisPort: number;
  readonly motoPort: number;
  readonly redisPort: number;
}

/** Starts a parent that starts a whole stack (its own Redis on a free port), reports, then `then`s. */
async function startParent(then: string, redisPort: number) {
  const script = `
    const { startEmbeddedStack } = await import(${JSON.stringify(LOCALSTACK)});
    const stack = await startEmbeddedStack({
      redisUrl: 'redis://127.0.0.1:${redisPort}', kinesisPort: 0, motoPort: 0, venvPath: ${JSON.stringify(VENV)}, requireMoto: true,
    });
    const port = (url) => Number(new URL(url).port);
    console.log(JSON.stringify({ kinesisPort: port(stack.kinesisEndpoint), motoPort: port(stack.motoEndpoint), redisPort: ${redisPort} }));
    ${then}
  `;
  const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  parent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const report = await waitFor(
    () => {
      const line = output.split('\n').find((candidate) => candidate.startsWith('{"kinesisPort"'));
      return line === undefined ? undefined : (JSON.parse(line) as ParentReport);
    },
    { timeoutMs: 60_000, message: () => `the parent never reported its stack:\n${output}` },
  );
  return { parent, report, output: () => output };
}

async function portsInUse(report: ParentReport): Promise<boolean[]> {
  return Promise.all([report.kinesisPort, report.motoPort, report.redisPort].map((port) => isPortInUse(port)));
}

describe('embedded stack children when the parent dies', () => {
  it('are all killed by the exit handler when the parent crashes with an uncaught error', async () => {
    // Arrange
    const { parent, report } = await startParent(`setTimeout(() => { throw new Error('crash on purpose'); }, 200);`, await findFreePort());
    expect(await portsInUse(report)).toEqual([true, true, true]);

    // Act
    const exitCode = await new Promise<number | null>((resolve) => parent.once('exit', resolve));

    // Assert
    expect(exitCode).toBe(1);
    await waitFor(async () => (await portsInUse(report)).every((inUse) => !inUse), {
      timeoutMs: 10_000,
      message: 'a child of the crashed parent still listens',
    });
  });

  it('leave no kinesis-local behind when the parent is killed with SIGKILL (it watches its parent)', async () => {
    // Arrange
    const { parent, report } = await startParent('setInterval(() => {}, 1000);', await findFreePort());
    const kinesisPids = await listeningPids(report.kinesisPort);
    expect(kinesisPids.length).toBeGreaterThan(0);

    const orphans = [...(await listeningPids(report.motoPort)), ...(await listeningPids(report.redisPort))];

    // Act
    parent.kill('SIGKILL');

    // Assert
    try {
      await waitFor(async () => !(await isPortInUse(report.kinesisPort)) && !kinesisPids.some((pid) => isProcessAlive(pid)), {
        timeoutMs: 10_000,
        message: `kinesis-local (${kinesisPids.join(', ')}) outlived its SIGKILLed parent`,
      });
    } finally {
      // redis-server and moto cannot watch their parent: stop what this test orphaned on purpose.
      for (const pid of orphans) process.kill(pid, 'SIGTERM');
    }
  });
});
