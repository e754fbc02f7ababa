import type { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';

/**
 * Parses environment variables with a schema, once, into a frozen object; a bad value throws a
 * ConfigError naming the first bad variable and what it held, so the process can stop with one
 * clear line (exit code 2).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`);
  }
  return Object.freeze(result.data);
}
