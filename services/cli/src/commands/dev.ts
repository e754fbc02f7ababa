import { once } from 'node:events';
import {
  applyDevStackEnv,
  createAwsClients,
  createLogger,
  loadConfig,
  loadDevEnv,
  type AwsClients,
  type DevEnv,
  type Logger,
  type SluiceConfig,
} from '@sluice/shared';
import {
  registerDemo,
  runDemoProducer,
  seedDemoResources,
  startDemoFunction,
  startEmbeddedStack,
  LocalStackError,
  LocalStackErrorCode,
  type EmbeddedStack,
} from '@sluice/localstack';
import { runRoles } from '../run-roles.js';
import { ROLES } from '../roles.js';
import { devBanner } from './dev-banner.js';
import { devConsole } from './dev-console.js';
import { reportCommandFailure } from './command-failure.js';

const PORT_SETTINGS =
  'ports are chosen with SLUICE_PORT (API), SLUICE_INGRESS_PORT, SLUICE_DEV_KINESIS_PORT, SLUICE_DEV_MOTO_PORT and SLUICE_DEV_DEMO_FUNCTION_PORT; 0 picks a free one';

/** Something `sluice dev` started; stopped in reverse order of starting. */
interface Started {
  readonly name: string;
  stop(): Promise<void> | void;
}

interface DevContext {
  readonly devEnv: DevEnv;
  readonly stack: EmbeddedStack;
  readonly config: SluiceConfig;
  readonly logger: Logger;
  readonly aws: AwsClients;
  readonly started: Started[];
}

/**
 * `sluice dev`: the whole of Sluice on one machine with no setup. Starts the embedded stack
 * (Redis if none runs, kinesis-local, moto when Python allows), the API role pointed at it, and a
 * demo (stream and, with moto, a queue; a function; their mappings; a producer) registered through the public API, then runs until
 * SIGINT/SIGTERM and stops everything it started. Resolves with the process exit code.
 */
export async function runDev(): Promise<number> {
  const shutdown = new AbortController();
  const onSignal = () => {
    if (!shutdown.signal.aborted) {
      shutdown.abort();
      return;
    }
    // A second Ctrl+C while stopping: give up waiting; the 'exit' handlers still kill the children.
    process.stderr.write('sluice dev: stopping now without waiting\n');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started: Started[] = [];
  let exitCode = 0;
  try {
    await start(started, shutdown.signal);
    if (!shutdown.signal.aborted) await once(shutdown.signal, 'abort');
  } catch (error) {
    exitCode = reportCommandFailure('dev', error);
    if (isPortTaken(error)) {
      process.stderr.write(`sluice dev: ${PORT_SETTINGS}\n`);
    }
  } finally {
    await stopAll(started);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

async function start(started: Started[], signal: AbortSignal): Promise<void> {
  const devEnv = loadDevEnv();
  const stack = await startEmbeddedStack({
    redisUrl: devEnv.REDIS_URL.url,
    kinesisPort: devEnv.SLUICE_DEV_KINESIS_PORT,
    kinesisTlsPort: devEnv.SLUICE_DEV_KINESIS_TLS_PORT,
    motoPort: devEnv.SLUICE_DEV_MOTO_PORT,
    venvPath: devEnv.SLUICE_DEV_VENV,
  });
  started.push({ name: 'local stack', stop: stack.stop });
  if (signal.aborted) return;

  applyDevStackEnv(stack);
  const config = loadConfig();
  // A person at a terminal reads lines (one per demo invocation); anything else gets JSON lines.
  const logger = createLogger({
    level: config.SLUICE_LOG_LEVEL,
    name: 'sluice-dev',
    ...(process.stdout.isTTY ? { destination: devConsole(process.stdout) } : {}),
  });
  const aws = createAwsClients(config);
  started.push({ name: 'AWS clients', stop: () => aws.destroy() });
  await startDemo({ devEnv, stack, config, logger, aws, started }, signal);
}

async function startDemo(context: DevContext, signal: AbortSignal): Promise<void> {
  const { devEnv, stack, config, logger, aws, started } = context;
  const resources = await seedDemoResources({
    kinesis: aws.kinesis,
    dynamodb: stack.motoEndpoint === undefined ? undefined : aws.dynamodb,
    sqs: stack.motoEndpoint === undefined ? undefined : aws.sqs,
  });
  const demoFunction = await startDemoFunction({ logger, port: devEnv.SLUICE_DEV_DEMO_FUNCTION_PORT });
  started.push({ name: 'demo function', stop: demoFunction.stop });
  if (signal.aborted) return;

  const roles = await runRoles(config, ROLES, logger);
  started.push({ name: 'Sluice roles', stop: roles.stop });
  if (roles.apiUrl === undefined) throw new Error('the api role started but reported no URL');
  if (signal.aborted) return;

  const demo = await registerDemo({
    apiUrl: roles.apiUrl,
    functionUrl: demoFunction.url,
    streamArn: resources.streamArn,
    queueArn: resources.queue?.arn,
    region: config.AWS_REGION,
    apiToken: config.SLUICE_API_TOKEN,
  });
  const producer = new AbortController();
  const producing = runDemoProducer({
    kinesis: aws.kinesis,
    streamName: resources.streamName,
    dynamodb: resources.tableName === undefined ? undefined : aws.dynamodb,
    tableName: resources.tableName,
    sqs: resources.queue === undefined ? undefined : aws.sqs,
    queueUrl: resources.queue?.url,
    intervalMs: devEnv.SLUICE_DEV_PRODUCER_INTERVAL_MS,
    logger,
    signal: producer.signal,
  });
  started.push({ name: 'demo producer', stop: () => (producer.abort(), producing) });

  process.stdout.write(
    devBanner({
      apiUrl: roles.apiUrl,
      ingressUrl: roles.ingressUrl,
      stack,
      demoFunctionUrl: demoFunction.url,
      demo,
      streamName: resources.streamName,
      tableName: resources.tableName,
      queueName: resources.queue?.name,
      region: config.AWS_REGION,
      apiTokenSet: config.SLUICE_API_TOKEN !== undefined,
    }),
  );
}

/** Stops in reverse order (producer, roles, demo function, clients, stack); one failure stops no other. */
async function stopAll(started: Started[]): Promise<void> {
  for (const part of started.reverse()) {
    try {
      await part.stop();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`sluice dev: stopping ${part.name} failed: ${message}\n`);
    }
  }
}

function isPortTaken(error: unknown): boolean {
  if (error instanceof LocalStackError) return error.code === LocalStackErrorCode.PortInUse;
  // The API role's own listen() (SLUICE_PORT) fails with the plain Node error.
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}
