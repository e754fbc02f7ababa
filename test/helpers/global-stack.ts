import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startEmbeddedStack, type EmbeddedStack } from '@sluice/localstack';
import type { TestStack } from './test-stack.js';

// The integration and e2e projects both name this file; when vitest loads it once for both, they
// share one stack (counted users), otherwise each gets its own on its own ports. Either way works.
let running: Promise<EmbeddedStack> | undefined;
let users = 0;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * vitest globalSetup: Redis (started only if none answers), kinesis-local and moto server on free
 * ports, provided to tests as `inject('stack')` and stopped at teardown. moto is required: a
 * run without it would silently skip the DynamoDB Streams, S3, SNS and SQS paths.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Tests and the Sluice processes they spawn inherit these; the emulators accept any credentials.
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  process.env.AWS_REGION ??= 'us-east-1';

  running ??= startEmbeddedStack({
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    kinesisPort: 0,
    motoPort: 0,
    venvPath: process.env.SLUICE_DEV_VENV ?? `${repoRoot}.venv`,
    requireMoto: true,
  }).catch((error: unknown) => {
    running = undefined;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`the test stack did not start: ${message}\n(npm test runs test/run-all.sh, which installs everything it needs)`, {
      cause: error,
    });
  });
  users += 1;
  const stack = await running;
  const provided: TestStack = {
    redisUrl: stack.redisUrl,
    kinesisEndpoint: stack.kinesisEndpoint,
    motoEndpoint: stack.motoEndpoint!,
  };
  project.provide('stack', provided);

  return async () => {
    users -= 1;
    if (users === 0) {
      running = undefined;
      await stack.stop();
    }
  };
}
