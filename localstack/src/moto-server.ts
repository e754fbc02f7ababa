import { access, constants } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startManagedProcess } from './managed-process.js';
import { waitForService } from './wait-for-service.js';
import { findFreePort, isPortInUse } from './free-port.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface MotoServerOptions {
  /** The Python venv holding moto, e.g. `.venv`; relative paths resolve against the working directory. */
  readonly venvPath: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly startTimeoutMs?: number;
}

/** moto is optional for `sluice dev`: without Python the Kinesis path still works. */
export type MotoServerResult =
  | {
      readonly status: 'started';
      /** `http://127.0.0.1:<port>`: DynamoDB, DynamoDB Streams, S3, SNS and SQS all answer here. */
      readonly endpoint: string;
      readonly port: number;
      readonly pid: number;
      stop(): Promise<void>;
    }
  | { readonly status: 'skipped'; readonly reason: string };

export const MOTO_SERVICES = 'DynamoDB Streams, DynamoDB, S3, SNS and SQS' as const;

/**
 * Starts `<venv>/bin/moto_server` on 127.0.0.1 and waits until it answers HTTP, or says plainly
 * what is skipped and how to get it when the venv is missing. https://docs.getmoto.org/en/latest/docs/server_mode.html
 */
export async function startMotoServer(options: MotoServerOptions): Promise<MotoServerResult> {
  const venv = resolve(options.venvPath);
  const executable = join(venv, 'bin', 'moto_server');
  if (!(await isExecutable(executable))) return { status: 'skipped', reason: await skipReason(options.venvPath) };

  const port = options.port === 0 ? await findFreePort() : options.port;
  if (await isPortInUse(port)) {
    throw new LocalStackError(
      LocalStackErrorCode.PortInUse,
      `moto server: port ${port} on 127.0.0.1 is already in use; choose another port`,
    );
  }
  const child = await startManagedProcess({
    name: 'moto server',
    command: executable,
    args: ['-H', '127.0.0.1', '-p', String(port)],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForService(child, () => answersHttp(`${endpoint}/moto-api/`), {
    timeoutMs: options.startTimeoutMs ?? 60_000,
    what: `moto server on port ${port}`,
  });
  return { status: 'started', endpoint, port, pid: child.pid, stop: () => child.stop() };
}

async function answersHttp(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await response.body?.cancel();
  return true;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function skipReason(venvPath: string): Promise<string> {
  const getIt = `python3 -m venv ${venvPath} && ${venvPath}/bin/pip install 'moto[server]'`;
  const prefix = `moto server not found in ${venvPath}: ${MOTO_SERVICES} are skipped (Kinesis works without them)`;
  if (!(await hasPython3())) {
    return `${prefix}. Python 3 is not installed: apt-get install -y python3 python3-venv, then ${getIt}`;
  }
  return `${prefix}. To get them: ${getIt}`;
}

async function hasPython3(): Promise<boolean> {
  return new Promise((resolvePromise) => {
    execFile('python3', ['--version'], (error) => resolvePromise(error === null));
  });
}
