import {
  RedisOutageLog,
  RedisS3BindingStore,
  createAsyncInvocationQueue,
  createRedis,
  createRedisKeys,
  enqueueAsyncInvocation,
  type AwsClients,
  type Logger,
  type SluiceConfig,
  type SluiceMetrics,
} from '@sluice/shared';
import { buildIngressApp } from './app.js';
import { RedisPushDedup } from './dispatch/push-dedup.js';
import { PushDispatcher } from './dispatch/push-dispatcher.js';
import { SigningCertCache } from './sns/signing-cert-cache.js';
import { createSnsFetcher } from './sns/sns-fetcher.js';
import { SnsSignatureVerifier, TRUSTING_VERIFIER } from './sns/sns-signature-verifier.js';
import { SnsUrlPolicy } from './sns/sns-url-policy.js';
import { SubscriptionConfirmer } from './sns/subscription-confirmer.js';

export interface RunningIngress {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the ingress role: its own HTTP server (SLUICE_INGRESS_HOST:SLUICE_INGRESS_PORT) queueing
 * pushes as async invocations. `outages` logs Redis faults once per outage (one per process).
 */
export async function startIngressRole(
  config: SluiceConfig,
  aws: AwsClients,
  logger: Logger,
  metrics?: SluiceMetrics,
  outages = new RedisOutageLog(logger),
): Promise<RunningIngress> {
  const log = logger.child({ role: 'ingress' });
  const redis = createRedis(config.REDIS_URL, { outages });
  const keys = createRedisKeys(config.SLUICE_REDIS_PREFIX);
  // BullMQ's own connection: it must not share the stores' (scripts and auto-pipelining, redis/ioredis#1931).
  const queueRedis = createRedis(config.REDIS_URL, { forBullmq: true, outages });
  const queue = createAsyncInvocationQueue(queueRedis, keys);
  queue.on('error', outages.errorListener(log, 'async invocation queue error'));
  const bindings = new RedisS3BindingStore(redis, keys);
  const policy = new SnsUrlPolicy({
    extraHosts: config.SLUICE_SNS_CERT_HOSTS,
    ...(config.SLUICE_SNS_CERT_ENDPOINT === undefined ? {} : { snsEndpoint: config.SLUICE_SNS_CERT_ENDPOINT }),
  });
  const fetcher = createSnsFetcher({ region: config.AWS_REGION, credentials: aws.sns.config.credentials });
  if (!config.SLUICE_SNS_VERIFY_SIGNATURES) {
    log.warn('SLUICE_SNS_VERIFY_SIGNATURES=false: SNS message signatures are NOT verified; anyone who can reach the ingress can invoke bound functions');
  }
  if (config.SLUICE_INGRESS_SECRET === undefined) {
    log.warn('SLUICE_INGRESS_SECRET is not set: direct S3 and EventBridge pushes are accepted without a secret');
  }
  const app = buildIngressApp({
    logger: log,
    redis,
    bindings,
    dispatcher: new PushDispatcher({
      bindings,
      dedup: new RedisPushDedup(redis, keys, config.SLUICE_INGRESS_DEDUP_TTL_MS),
      enqueue: (job) => enqueueAsyncInvocation(queue, job),
      ...(metrics === undefined ? {} : { metrics }),
    }),
    verifier: config.SLUICE_SNS_VERIFY_SIGNATURES ? new SnsSignatureVerifier(new SigningCertCache({ policy, fetch: fetcher })) : TRUSTING_VERIFIER,
    confirmer: new SubscriptionConfirmer(policy, fetcher),
    region: config.AWS_REGION,
    ...(config.SLUICE_INGRESS_SECRET === undefined ? {} : { secret: config.SLUICE_INGRESS_SECRET }),
    ...(metrics === undefined ? {} : { metrics }),
    ...(config.SLUICE_API_TOKEN === undefined ? {} : { metricsToken: config.SLUICE_API_TOKEN }),
  });
  const url = await app.listen({ host: config.SLUICE_INGRESS_HOST, port: config.SLUICE_INGRESS_PORT });
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopping ??= (async () => {
        await app.close();
        await queue.close();
        await Promise.all([redis.quit(), queueRedis.quit().catch(() => undefined)]);
      })();
      return stopping;
    },
  };
}
