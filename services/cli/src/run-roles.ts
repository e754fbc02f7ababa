import { startApiRole } from '@sluice/api';
import { startIngressRole } from '@sluice/ingress';
import { startPollerRole } from '@sluice/poller';
import { startWorkerRole } from '@sluice/worker';
import {
  LocalBatchOutcomes,
  RedisOutageLog,
  OlderKeyLayoutError,
  checkKeyLayout,
  checkRedisPersistence,
  createAwsClients,
  createRedis,
  createRedisKeys,
  createSluiceMetrics,
  type Logger,
  type SluiceConfig,
} from '@sluice/shared';
import type { Role } from './roles.js';

export interface RunningRoles {
  readonly apiUrl: string | undefined;
  readonly ingressUrl?: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the given roles in this process, sharing one set of AWS clients and one Redis outage log
 * (a Redis fault is logged once per process, not per role or connection); stop() stops them in
 * reverse. Whether the Redis persists is checked once, beside the roles, as soon as Redis answers.
 */
export async function runRoles(config: SluiceConfig, roles: readonly Role[], logger: Logger): Promise<RunningRoles> {
  const aws = createAwsClients(config);
  const metrics = createSluiceMetrics();
  const outages = new RedisOutageLog(logger);
  // A poller hears of the batches a worker beside it finishes without waiting for the event stream.
  const localOutcomes = roles.includes('worker') && roles.includes('poller') ? new LocalBatchOutcomes() : undefined;
  // No retry limit: the check waits out an outage at boot instead of failing on it.
  const checkRedis = createRedis(config.REDIS_URL, { forBullmq: true, outages });
  const persistenceChecked = checkRedisPersistence(checkRedis, logger).finally(() => checkRedis.disconnect());
  const stops: (() => Promise<void>)[] = [
    async () => aws.destroy(),
    async () => {
      checkRedis.disconnect();
      await persistenceChecked;
    },
  ];
  let apiUrl: string | undefined;
  let ingressUrl: string | undefined;
  let localPollerId: string | undefined;
  try {
    // Pollers and workers only on keys this build can read: it would not see an older layout's checkpoints.
    if (roles.includes('worker') || roles.includes('poller')) await refuseOlderKeyLayout(config, outages);
    // Workers first and the API last, so nothing is accepted before it can be handled; stop() reverses.
    if (roles.includes('worker')) {
      const worker = await startWorkerRole(config, { logger, metrics, redisOutages: outages, ...(localOutcomes ? { localOutcomes } : {}) });
      stops.push(() => worker.stop());
    }
    if (roles.includes('poller')) {
      const poller = await startPollerRole(config, aws, logger, metrics, localOutcomes, outages);
      localPollerId = poller.workerId;
      stops.push(() => poller.stop());
    }
    if (roles.includes('ingress')) {
      const ingress = await startIngressRole(config, aws, logger, metrics, outages);
      ingressUrl = ingress.url;
      stops.push(() => ingress.stop());
    }
    if (roles.includes('api')) {
      const api = await startApiRole(config, aws, logger, metrics, outages, localPollerId === undefined ? {} : { localPollerId });
      apiUrl = api.url;
      stops.push(() => api.stop());
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  logger.info({ roles, apiUrl, ingressUrl }, 'sluice started');
  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    ingressUrl,
    stop() {
      stopping ??= (async () => {
        for (const stop of [...stops].reverse()) await stop();
        logger.info({ roles }, 'sluice stopped');
      })();
      return stopping;
    },
  };
}

/** Throws OlderKeyLayoutError when the Redis holds an older build's key layout (shared/src/redis/key-layout.ts). */
async function refuseOlderKeyLayout(config: SluiceConfig, outages: RedisOutageLog): Promise<void> {
  const redis = createRedis(config.REDIS_URL, { forBullmq: true, outages });
  try {
    const layout = await checkKeyLayout(redis, createRedisKeys(config.SLUICE_REDIS_PREFIX), config.SLUICE_KEY_LAYOUT_RESET);
    if (layout.outcome === 'older') throw new OlderKeyLayoutError(config.SLUICE_REDIS_PREFIX, layout.evidence);
  } finally {
    redis.disconnect();
  }
}
