import { z } from 'zod';
import { parseEnv } from './parse-env.js';
import { envSchema } from './env.js';

/**
 * Settings only `sluice dev` (the embedded local stack) reads, parsed once when it starts.
 * Production roles never see these: they are kept apart from env.ts so the product's schema
 * stays the list of what an operator must know.
 */
const port = z.coerce.number().int().min(0).max(65535);

export const devEnvSchema = z.object({
  // Reused from env.ts so both agree on what a valid URL is; the dev stack starts Redis here if none answers.
  REDIS_URL: envSchema.shape.REDIS_URL,
  // kinesis-local's own default plain port, so a user's existing `--endpoint-url` habits carry over.
  SLUICE_DEV_KINESIS_PORT: port.default(4568),
  // Nobody in the dev loop uses kinesis-local's TLS listener; 0 picks any free port so it never clashes.
  SLUICE_DEV_KINESIS_TLS_PORT: port.default(0),
  // moto_server's own default port.
  SLUICE_DEV_MOTO_PORT: port.default(5000),
  // Where localstack/quickstart.sh creates the Python venv holding moto; relative to the working directory.
  SLUICE_DEV_VENV: z.string().min(1).default('.venv'),
  // Fixed, next to the API's 9070: the function registry keeps the demo function's URL in Redis, and
  // a URL that changed on every start would leave the registered one dead after a restart.
  SLUICE_DEV_DEMO_FUNCTION_PORT: port.default(9071),
  // One record a second is enough to watch events flow without flooding the log.
  SLUICE_DEV_PRODUCER_INTERVAL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1_000),
});

export type DevEnv = Readonly<z.infer<typeof devEnvSchema>>;

/** Parses the dev settings once; throws ConfigError naming the first bad variable, as loadConfig does. */
export function loadDevEnv(env: NodeJS.ProcessEnv = process.env): DevEnv {
  return parseEnv(devEnvSchema, env);
}
