import { pino, type Logger } from 'pino';

export type { Logger };

/** The root JSON logger; roles and loops take children that carry their own fields. */
export function createLogger(options: { level: string; name?: string }): Logger {
  return pino({
    level: options.level,
    base: { name: options.name ?? 'sluice' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
