import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** The root JSON logger; roles and loops take children that carry their own fields. */
export function createLogger(options: { level: string; name?: string; destination?: DestinationStream }): Logger {
  const settings = {
    level: options.level,
    base: { name: options.name ?? 'sluice' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
