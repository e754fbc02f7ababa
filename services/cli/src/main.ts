#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '@sluice/shared';
import { ROLES, isRole } from './roles.js';
import { runStart } from './commands/start.js';

const USAGE = `Usage: sluice <command> [options]

Commands:
  dev                 Start every role on an embedded local stack (Redis, kinesis-local, moto server)
                      with a demo stream, function, mapping and producer.
  start               Start roles against the configured Redis and AWS endpoints.
    --role <role>     One of ${ROLES.join(', ')} or all (default: all). The ingress takes
                      S3 event notifications (direct, SNS, EventBridge) on SLUICE_INGRESS_PORT.
  seed                Create the demo resources (stream, table) on the configured endpoints.

Options:
  -h, --help          Show this help.
  -v, --version       Show the version.

Configuration comes from environment variables (REDIS_URL, AWS_REGION, AWS_ENDPOINT_URL,
AWS_ENDPOINT_URL_<SERVICE>, SLUICE_*); see the README.`;

/** Exit codes: 0 done, 1 failed while running, 2 bad usage or configuration. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      role: { type: 'string' },
    },
  });
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`sluice ${pkg.version}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument: ${rest[0]}`);
  if (values.role !== undefined && command !== 'start') throw new UsageError('--role is an option of "sluice start"');
  switch (command) {
    case 'start': {
      const role = values.role ?? 'all';
      if (role !== 'all' && !isRole(role)) throw new UsageError(`unknown role "${role}"; use one of ${ROLES.join(', ')} or all`);
      return runStart(role);
    }
    case 'dev':
      return (await import('./commands/dev.js')).runDev();
    case 'seed':
      return (await import('./commands/seed.js')).runSeed();
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`sluice: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`sluice: ${(error as Error).message}\nRun "sluice --help" for usage.\n`);
      process.exit(2);
    }
    process.stderr.write(`sluice: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
