import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startManagedProcess } from './managed-process.js';
import { waitForService } from './wait-for-service.js';
import { findFreePort, isPortInUse } from './free-port.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface KinesisLocalOptions {
  /** Plain HTTP port; 0 picks a free one. */
  readonly port: number;
  /** TLS port kinesis-local always opens as well; 0 (the default) picks a free one. */
  readonly tlsPort?: number;
  readonly startTimeoutMs?: number;
}

/** A running kinesis-local bound to 127.0.0.1. */
export interface KinesisLocalHandle {
  /** `http://127.0.0.1:<port>`, for AWS_ENDPOINT_URL_KINESIS. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Kills it and waits until it has exited. Idempotent. */
  stop(): Promise<void>;
}

const requireFromHere = createRequire(import.meta.url);

// kinesis-mock's durations default to 500 ms of simulated provisioning per operation; locally that
// is only waiting (../shared/test-stack.md).
const FAST_DURATIONS = Object.fromEntries(
  [
    'CREATE_STREAM',
    'DELETE_STREAM',
    'REGISTER_STREAM_CONSUMER',
    'DEREGISTER_STREAM_CONSUMER',
    'START_STREAM_ENCRYPTION',
    'STOP_STREAM_ENCRYPTION',
    'MERGE_SHARDS',
    'SPLIT_SHARD',
    'UPDATE_SHARD_COUNT',
    'UPDATE_STREAM_MODE',
  ].map((operation) => [`${operation}_DURATION`, '10ms']),
);

/**
 * Starts kinesis-local (kinesis-mock compiled to JavaScript, the engine LocalStack runs for Kinesis)
 * and waits until it answers ListStreams. It has no host option, so a preload binds it to loopback.
 */
export async function startKinesisLocal(options: KinesisLocalOptions): Promise<KinesisLocalHandle> {
  const port = options.port === 0 ? await findFreePort() : options.port;
  if (await isPortInUse(port)) {
    throw new LocalStackError(
      LocalStackErrorCode.PortInUse,
      `kinesis-local: port ${port} on 127.0.0.1 is already in use; choose another port`,
    );
  }
  const tlsPort = (options.tlsPort ?? 0) === 0 ? await findFreePort() : options.tlsPort!;
  const child = await startManagedProcess({
    name: 'kinesis-local',
    command: process.execPath,
    args: [
      '-r',
      fileURLToPath(new URL('../preload/loopback-listen.cjs', import.meta.url)),
      '-r',
      fileURLToPath(new URL('../preload/exit-with-parent.cjs', import.meta.url)),
      requireFromHere.resolve('kinesis-local/main.js'),
    ],
    env: {
      // Without it kinesis-local looks for server.json in the working directory and crashes.
      KINESIS_MOCK_CERT_PATH: requireFromHere.resolve('kinesis-local/server.json'),
      KINESIS_MOCK_PLAIN_PORT: String(port),
      KINESIS_MOCK_TLS_PORT: String(tlsPort),
      LOG_LEVEL: 'WARN',
      // kinesis-mock's account shard quota (default 50): a test suite or a dev stack keeps many small
      // streams, and a full suite went past 50 (LimitExceededException on CreateStream).
      SHARD_LIMIT: '10000',
      SLUICE_PARENT_PID: String(process.pid),
      ...FAST_DURATIONS,
    },
  });

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    // HTTP/1.1: the SDK's HTTP/2 handler breaks against kinesis-local (../shared/test-stack.md).
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
  });
  try {
    await waitForService(child, async () => (await client.send(new ListStreamsCommand({}))).StreamNames !== undefined, {
      timeoutMs: options.startTimeoutMs ?? 30_000,
      what: `kinesis-local on port ${port}`,
    });
  } finally {
    client.destroy();
  }
  return { endpoint, port, pid: child.pid, stop: () => child.stop() };
}
