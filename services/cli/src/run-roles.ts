import { startApiRole } from '@sluice/api';
import { startIngressRole } from '@sluice/ingress';
import { startPollerRole } from '@sluice/poller';
import { startWorkerRole } from '@sluice/worker';
import { LocalBatchOutcomes, createAwsClients, createSluiceMetrics, type Logger, type SluiceConfig } from '@sluice/shared';
import type { Role } from './roles.js';

export interface RunningRoles {
  readonly apiUrl: string | undefined;
  readonly ingressUrl?: string | undefined;
  stop(): Promise<void>;
}

/** Starts the given roles in this process, sharing one set of AWS clients; stop() stops them in reverse. */
export async function runRoles(config: SluiceConfig, roles: readonly Role[], logger: Logger): Promise<RunningRoles> {
  const aws = createAwsClients(config);
  const metrics = createSluiceMetrics();
  // A poller hears of the batches a worker beside it finishes without waiting for the event stream.
  const localOutcomes = roles.includes('worker') && roles.includes('poller') ? new LocalBatchOutcomes() : undefined;
  const stops: (() => Promise<void>)[] = [async () => aws.destroy()];
  let apiUrl: string | undefined;
  let ingressUrl: string | undefined;
  try {
    // Workers first and the API last, so nothing is accepted before it can be handled; stop() reverses.
    if (roles.includes('worker')) {
      const worker = await startWorkerRole(config, { logger, metrics, ...(localOutcomes ? { localOutcomes } : {}) });
      stops.push(() => worker.stop());
    }
    if (roles.includes('poller')) {
      const poller = await startPollerRole(config, aws, logger, metrics, localOutcomes);
      stops.push(() => poller.stop());
    }
    if (roles.includes('ingress')) {
      const ingress = await startIngressRole(config, aws, logger, metrics);
      ingressUrl = ingress.url;
      stops.push(() => ingress.stop());
    }
    if (roles.includes('api')) {
      const api = await startApiRole(config, aws, logger, metrics);
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
