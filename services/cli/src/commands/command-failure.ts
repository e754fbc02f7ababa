import { ConfigError } from '@sluice/shared';

/**
 * Prints why a command failed as one plain line on stderr and returns its exit code:
 * 2 for a bad setting (the user must change something), 1 for everything else.
 */
export function reportCommandFailure(command: string, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`sluice ${command}: ${message}\n`);
  return error instanceof ConfigError ? 2 : 1;
}
