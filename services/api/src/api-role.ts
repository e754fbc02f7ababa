import { fileURLToPath } from 'node:url';
import {
  CachedFunctionStore,
  FunctionChangeListener,
  RedisConcurrencyLimiter,
  RedisDeadLetterStore,
  RedisEventInvokeConfigStore,
  RedisFunctionStore,
  RedisLeaseReader,
  RedisMappingStore,
  RedisTagStore,
  RedisOutageLog,
  RedisS3BindingStore,
  createAsyncInvocationQueue,
  createDeadLetterReplayQueue,
  createRedis,
  createRedisKeys,
  enqueueAsyncInvocation,
  enqueueDeadLetterReplay,
  functionChangesChannel,
  sourceProfile,
  type AwsClients,
  type Logger,
  type SluiceConfig,
  type SluiceMetrics,
} from '@sluice/shared';
import { InvokerRegistry, closeInvokers, createInvokers } from '@sluice/invokers';
import { buildApp } from './app.js';
import { loadDashboardAssets } from './dashboard/dashboard-assets.js';
import { AwsSourceChecker } from './esm/aws-source-checker.js';
import type { SourceChecker } from './esm/source-checker.js';
import { StateSettler } from './state/state-settler.js';
import { FunctionCodeStore } from './lambda-functions/function-code-store.js';
import { AwsS3NotificationWiring } from './s3-bindings/aws-s3-notification-wiring.js';
import { RedisBucketLock } from './s3-bindings/redis-bucket-lock.js';

/** Where `npm run build` bundles the dashboard (services/api/dashboard-ui/build.mjs), beside this file in dist/. */
const DASHBOARD_ASSETS_DIR = fileURLToPath(new URL('./dashboard-ui/', import.meta.url));

export interface RunningApi {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * A source checker that trusts every well-formed ARN (SLUICE_VALIDATE_SOURCES=false): a queue's
 * visibility timeout is not checked.
 */
const TRUSTING_SOURCES: SourceChecker = {
  describe: async (source) => (sourceProfile(source.kind).model === 'stream' ? { model: 'stream' } : { model: 'queue' }),
};

/**
 * Starts the registry API role: HTTP server plus the state settler. `outages` logs Redis faults
 * once per outage; one per process (run-roles.ts), else the role's own. `localPollerId` names
 * the poller role running in the same process, whose metrics the dashboard then shows.
 */
export async function startApiRole(
  config: SluiceConfig,
  aws: AwsClients,
  logger: Logger,
  metrics: SluiceMetrics,
  outages = new RedisOutageLog(logger),
  beside: { readonly localPollerId?: string } = {},
): Promise<RunningApi> {
  const log = logger.child({ role: 'api' });
  const redis = createRedis(config.REDIS_URL, { outages });
  const keys = createRedisKeys(config.SLUICE_REDIS_PREFIX);
  const mappings = new RedisMappingStore(redis, keys);
  // BullMQ's own connection: it must not share the stores' (scripts and auto-pipelining, redis/ioredis#1931).
  const queueRedis = createRedis(config.REDIS_URL, { forBullmq: true, outages });
  const replays = createDeadLetterReplayQueue(queueRedis, keys);
  replays.on('error', outages.errorListener(log, 'dead-letter replay queue error'));
  const asyncInvocations = createAsyncInvocationQueue(queueRedis, keys);
  asyncInvocations.on('error', outages.errorListener(log, 'async invocation queue error'));
  // RequestResponse invocations run here, through the same invokers the worker role uses.
  const invokers = createInvokers(config);
  // The Event path reads functions through the function cache the worker uses too, dropped on the registry's change
  // notices (its own subscriber connection): one Redis round trip per event, the enqueue.
  const functions = new RedisFunctionStore(redis, keys);
  const cachedFunctions = new CachedFunctionStore(functions);
  const changes = new FunctionChangeListener(createRedis(config.REDIS_URL, { outages }), functionChangesChannel(keys), cachedFunctions, log);
  await changes.start();
  const app = buildApp({
    logger: log,
    redis,
    mappings,
    functions,
    tags: new RedisTagStore(redis, keys),
    sources: config.SLUICE_VALIDATE_SOURCES ? new AwsSourceChecker(aws) : TRUSTING_SOURCES,
    arns: { region: config.AWS_REGION, account: config.SLUICE_ACCOUNT_ID },
    limits: { maxFilters: config.SLUICE_MAX_FILTERS },
    settleMs: config.SLUICE_STATE_SETTLE_MS,
    ...(config.SLUICE_API_TOKEN === undefined ? {} : { apiToken: config.SLUICE_API_TOKEN }),
    bodyLimitBytes: config.SLUICE_API_BODY_LIMIT_BYTES,
    metrics,
    deadLetters: { store: new RedisDeadLetterStore(redis, keys), enqueueReplay: (id) => enqueueDeadLetterReplay(replays, id) },
    invoke: {
      invoker: new InvokerRegistry(invokers),
      enqueue: (input) => enqueueAsyncInvocation(asyncInvocations, input),
      concurrency: new RedisConcurrencyLimiter(redis, keys),
      cachedFunctions,
    },
    eventInvokeConfigs: new RedisEventInvokeConfigStore(redis, keys),
    lambdaFunctions: { codes: new FunctionCodeStore(config.SLUICE_FUNCTIONS_DIR), s3: aws.s3 },
    dashboard: {
      assets: loadDashboardAssets(DASHBOARD_ASSETS_DIR),
      leases: new RedisLeaseReader(redis, keys),
      ...(beside.localPollerId === undefined ? {} : { localPollerId: beside.localPollerId }),
    },
    s3Bindings: {
      store: new RedisS3BindingStore(redis, keys),
      wiring: new AwsS3NotificationWiring({ s3: aws.s3, sns: aws.sns }, new RedisBucketLock(redis, keys)),
      ...(config.SLUICE_INGRESS_PUBLIC_URL === undefined ? {} : { defaultIngressUrl: config.SLUICE_INGRESS_PUBLIC_URL }),
    },
  });
  const settler = new StateSettler({
    store: mappings,
    logger: log.child({ component: 'state-settler' }),
    intervalMs: Math.max(20, Math.min(250, config.SLUICE_STATE_SETTLE_MS)),
  });
  const address = await app.listen({ host: config.SLUICE_HOST, port: config.SLUICE_PORT });
  settler.start();
  let stopping: Promise<void> | undefined;
  return {
    url: address,
    stop() {
      stopping ??= (async () => {
        await settler.stop();
        await app.close();
        // After app.close(): no request is invoking any more, so the Node environments can go.
        closeInvokers(invokers);
        await changes.stop();
        await Promise.all([replays.close(), asyncInvocations.close()]);
        await Promise.all([redis.quit(), queueRedis.quit().catch(() => undefined)]);
      })();
      return stopping;
    },
  };
}
