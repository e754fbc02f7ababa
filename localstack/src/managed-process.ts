import { spawn, type ChildProcess } from 'node:child_process';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

/** How a child ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child process the stack started and is responsible for stopping. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Settles once the child has exited, however that happened. */
  readonly exited: Promise<ProcessExit>;
  hasExited(): boolean;
  /** The last few KB the child wrote to stdout and stderr, for error messages. */
  outputTail(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child has exited. Idempotent. */
  stop(): Promise<void>;
}

export interface ManagedProcessOptions {
  /** Shown in errors and logs, e.g. `kinesis-local`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the parent's environment, which the child inherits as any child would. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  readonly stopGraceMs?: number;
}

const OUTPUT_TAIL_BYTES = 4_096;

/**
 * Spawns a child that dies with this process: on stop(), and also from a process 'exit' handler,
 * so a parent that crashes with an uncaught error or calls process.exit() leaves nothing behind.
 * (A parent killed by SIGKILL runs no handler at all; children that can watch their parent, like
 * kinesis-local through preload/exit-with-parent.cjs, cover that case themselves.)
 * Rejects with CommandNotFound when the executable does not exist.
 */
export async function startManagedProcess(options: ManagedProcessOptions): Promise<ManagedProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForSpawn(child, options);

  let tail = '';
  const keepTail = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const killOnParentExit = () => child.kill('SIGKILL');
  process.on('exit', killOnParentExit);

  let exitedFlag = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      process.off('exit', killOnParentExit);
      resolve({ code, signal });
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopChild(child, exited, () => exitedFlag, options.stopGraceMs ?? 5_000);
    return stopping;
  };

  return {
    name: options.name,
    pid: child.pid!,
    exited,
    hasExited: () => exitedFlag,
    outputTail: () => tail.trim(),
    stop,
  };
}

async function waitForSpawn(child: ChildProcess, options: ManagedProcessOptions): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new LocalStackError(LocalStackErrorCode.CommandNotFound, `${options.name}: ${options.command} not found`, {
            cause: error,
          }),
        );
      } else {
        reject(error);
      }
    });
  });
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<ProcessExit>,
  hasExited: () => boolean,
  graceMs: number,
): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
