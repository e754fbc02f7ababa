import { startApiRole } from '@sluice/api';
import { createAwsClients, createSluiceMetrics, SluiceError, type Logger, type SluiceConfig } from '@sluice/shared';
import type { Role } from './roles.js';

export interface RunningRoles {
  readonly apiUrl: string | undefined;
  stop(): Promise<void>;
}

/** Roles that exist in this build; the others land with their issues (poller #3, worker #4, ingress #5). */
export const AVAILABLE_ROLES: readonly Role[] = ['api'];

/** Starts the given roles in this process, sharing one set of AWS clients; stop() stops them in reverse. */
export async function runRoles(config: SluiceConfig, roles: readonly Role[], logger: Logger): Promise<RunningRoles> {
  const missing = roles.filter((role) => !AVAILABLE_ROLES.includes(role));
  if (missing.length > 0) {
    throw new SluiceError('ROLE_UNAVAILABLE', `role ${missing.join(', ')} is not in this build of Sluice yet (available: ${AVAILABLE_ROLES.join(', ')})`);
  }
  const aws = createAwsClients(config);
  const metrics = createSluiceMetrics();
  const stops: (() => Promise<void>)[] = [async () => aws.destroy()];
  let apiUrl: string | undefined;
  try {
    if (roles.includes('api')) {
      const api = await startApiRole(config, aws, logger, metrics);
      apiUrl = api.url;
      stops.push(() => api.stop());
    }
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  logger.info({ roles, apiUrl }, 'sluice started');
  let stopping: Promise<void> | undefined;
  return {
    apiUrl,
    stop() {
      stopping ??= (async () => {
        for (const stop of [...stops].reverse()) await stop();
        logger.info({ roles }, 'sluice stopped');
      })();
      return stopping;
    },
  };
}
