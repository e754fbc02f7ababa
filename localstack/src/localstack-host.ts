import { access, constants, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedProcess } from './managed-process.js';
import { waitForService } from './wait-for-service.js';
import { findFreePort, isPortInUse } from './free-port.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface LocalStackHostOptions {
  /** The venv localstack/host-mode/install.sh made (holds localstack-core). */
  readonly venvPath: string;
  /** The gateway's port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** LocalStack's SERVICES, e.g. ['kinesis', 's3', 'sns', 'sqs']; start-up waits until each is available. */
  readonly services: readonly string[];
  /** More LocalStack configuration (AWS_DEFAULT_REGION, ...); the host-mode settings below win. */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

/** A LocalStack gateway running on this host, its state in a temporary directory removed on stop. */
export interface LocalStackHost {
  /** `http://127.0.0.1:<port>`: every service, as AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** `127.0.0.1:<port>`, LocalStack's LOCALSTACK_HOST: the host in the URLs it writes (SNS's SigningCertURL). */
  readonly host: string;
  readonly pid: number;
  /** The last few KB LocalStack wrote, for failure messages. */
  outputTail(): string;
  /** Stops LocalStack (and the kinesis-local it started) and removes its state. Idempotent. */
  stop(): Promise<void>;
}

const requireFromHere = createRequire(import.meta.url);
const preload = (name: string) => fileURLToPath(new URL(`../preload/${name}`, import.meta.url));

/**
 * Runs LocalStack's community runtime without Docker: `python -m localstack.runtime.main` from
 * the venv, configured as its container would be (https://docs.localstack.cloud/references/configuration/)
 * plus what host mode needs here:
 * - OVERRIDE_IN_DOCKER=0: these machines have a /.dockerenv, which would make LocalStack think it
 *   runs in its own container; FILESYSTEM_ROOT keeps its state in a temporary directory instead.
 * - DNS_ADDRESS=0 (no DNS server on port 53), DISABLE_EVENTS=1 (no analytics), SKIP_SSL_CERT_DOWNLOAD=1.
 * - GATEWAY_SERVER=hypercorn: the default gateway server (twisted) listens on every interface
 *   whatever GATEWAY_LISTEN's host says; an emulator that takes any credentials stays on loopback.
 * - Kinesis: LocalStack runs kinesis-local (kinesis-mock's JavaScript build), which it would
 *   `npm install` at its first Kinesis call; this package's own copy is linked where LocalStack
 *   looks for it (KINESIS_MOCK_VERSION), and bound to loopback by the same preload as
 *   startKinesisLocal's (it has no host option).
 */
export async function startLocalStackHost(options: LocalStackHostOptions): Promise<LocalStackHost> {
  const python = join(resolve(options.venvPath), 'bin', 'python');
  try {
    await access(python, constants.X_OK);
  } catch (error) {
    throw new LocalStackError(
      LocalStackErrorCode.CommandNotFound,
      `LocalStack: no venv at ${options.venvPath}; install it with bash localstack/host-mode/install.sh ${options.venvPath}`,
      { cause: error },
    );
  }
  const port = options.port === 0 ? await findFreePort() : options.port;
  if (await isPortInUse(port)) {
    throw new LocalStackError(LocalStackErrorCode.PortInUse, `LocalStack: port ${port} on 127.0.0.1 is already in use; choose another port`);
  }
  const root = await mkdtemp(join(tmpdir(), 'sluice-localstack-'));
  const kinesisVersion = await linkKinesisLocal(root);
  const host = `127.0.0.1:${port}`;
  const child = await startManagedProcess({
    name: 'LocalStack',
    command: python,
    args: ['-m', 'localstack.runtime.main'],
    cwd: root,
    stopGraceMs: 10_000,
    env: {
      ...options.env,
      SERVICES: options.services.join(','),
      GATEWAY_LISTEN: host,
      GATEWAY_SERVER: 'hypercorn',
      LOCALSTACK_HOST: host,
      OVERRIDE_IN_DOCKER: '0',
      FILESYSTEM_ROOT: root,
      DNS_ADDRESS: '0',
      DISABLE_EVENTS: '1',
      SKIP_SSL_CERT_DOWNLOAD: '1',
      KINESIS_MOCK_VERSION: kinesisVersion,
      // Inherited by the kinesis-local LocalStack starts: loopback only, and gone with this process.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require=${preload('loopback-listen.cjs')}`, `--require=${preload('exit-with-parent.cjs')}`]
        .filter((o) => o !== undefined && o !== '')
        .join(' '),
      SLUICE_PARENT_PID: String(process.pid),
    },
  });
  const stop = async () => {
    await child.stop();
    await rm(root, { recursive: true, force: true });
  };
  const endpoint = `http://${host}`;
  try {
    await waitForService(child, () => servicesAvailable(endpoint, options.services), {
      timeoutMs: options.startTimeoutMs ?? 60_000,
      what: `LocalStack on port ${port}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, host, pid: child.pid, outputTail: () => child.outputTail(), stop };
}

/**
 * Links this package's kinesis-local where LocalStack's package installer would put it
 * (<FILESYSTEM_ROOT>/var/lib/localstack/lib/kinesis-local/<version>/node_modules/kinesis-local),
 * so it finds it installed; returns the version.
 */
async function linkKinesisLocal(root: string): Promise<string> {
  const packageJson = requireFromHere.resolve('kinesis-local/package.json');
  const { version } = JSON.parse(await readFile(packageJson, 'utf8')) as { version: string };
  const target = join(root, 'var', 'lib', 'localstack', 'lib', 'kinesis-local', version, 'node_modules');
  await mkdir(target, { recursive: true });
  await symlink(dirname(packageJson), join(target, 'kinesis-local'), 'dir');
  return version;
}

/** Whether /_localstack/health says every one of `services` is available (not yet started) or running. */
async function servicesAvailable(endpoint: string, services: readonly string[]): Promise<boolean> {
  const response = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) return false;
  const health = (await response.json()) as { services?: Record<string, string> };
  return services.every((s) => ['available', 'running'].includes(health.services?.[s] ?? ''));
}
