import { spawn, type ChildProcess } from 'node:child_process';
import { stopOnInterrupt } from './interrupt.js';

export interface BenchChild {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after 15 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Runs a process of the bench's and resolves once a line of its output matches `ready`. Its output
 * is kept only as a short tail, shown when it fails to start or exits early.
 */
export async function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv, ready: RegExp, what: string): Promise<BenchChild> {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let started = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  const forget = stopOnInterrupt(stop);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within 30 s:\n${tail}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      // Keep only the end: a long bench must not hold every log line.
      tail = (tail + chunk.toString()).slice(-8_192);
      if (!started && ready.test(tail)) {
        started = true;
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${what} exited with ${code}:\n${tail}`));
      else if (code !== 0 && code !== null) console.error(`${what} exited with ${code}:\n${tail}`);
    });
  });
  return {
    pid: child.pid!,
    stop: async () => {
      forget();
      await stop();
    },
  };
}
