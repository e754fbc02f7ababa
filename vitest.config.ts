import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// Tests import the workspaces' sources, so unit and integration tests need no build;
// e2e tests run the built `sluice` command as separate processes (test/run-all.sh builds first).
/** The workspaces' sources by package name; the chaos suite's config (test/chaos/vitest.config.ts) uses them too. */
export const sluiceAliases = {
  '@sluice/shared': fileURLToPath(new URL('./shared/src/index.ts', import.meta.url)),
  '@sluice/api': fileURLToPath(new URL('./services/api/src/index.ts', import.meta.url)),
  '@sluice/poller': fileURLToPath(new URL('./services/poller/src/index.ts', import.meta.url)),
  '@sluice/ingress': fileURLToPath(new URL('./services/ingress/src/index.ts', import.meta.url)),
  '@sluice/invokers': fileURLToPath(new URL('./services/invokers/src/index.ts', import.meta.url)),
  '@sluice/worker': fileURLToPath(new URL('./services/worker/src/index.ts', import.meta.url)),
  '@sluice/localstack': fileURLToPath(new URL('./localstack/src/index.ts', import.meta.url)),
};

export default defineConfig({
  test: {
    projects: [
      { resolve: { alias: sluiceAliases }, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        resolve: { alias: sluiceAliases },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/global-stack.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias: sluiceAliases },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/helpers/global-stack.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
