import { createLogger, loadConfig } from '@sluice/shared';
import { runRoles } from '../run-roles.js';
import { ROLES, type Role } from '../roles.js';
import { untilSignal } from '../until-signal.js';

/** `sluice start --role <role>`: runs roles against the configured Redis and AWS endpoints. */
export async function runStart(role: Role | 'all'): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ level: config.SLUICE_LOG_LEVEL });
  const roles = role === 'all' ? ROLES : [role];
  const running = await runRoles(config, roles, logger);
  if (running.ingressUrl !== undefined) process.stdout.write(`Sluice ingress listening on ${running.ingressUrl}\n`);
  if (running.apiUrl !== undefined) process.stdout.write(`Sluice API listening on ${running.apiUrl}\n`);
  const signal = await untilSignal();
  logger.info({ signal }, 'stopping');
  await running.stop();
  return 0;
}
