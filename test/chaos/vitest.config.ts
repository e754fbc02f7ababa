import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sluiceAliases } from '../../vitest.config.js';

// The chaos suite (README.md, "Chaos suite"): not in the default projects. `npm run test:chaos` runs
// the full form; test/run-all.sh runs the short form inside `npm test`. Each scenario starts its own
// Redis, kinesis-local and Sluice processes, so the files run one at a time (two cores).
const chaosProject = (form: 'short' | 'full', testTimeout: number) => ({
  resolve: { alias: sluiceAliases },
  test: { name: `chaos-${form}`, include: ['test/chaos/**/*.test.ts'], provide: { chaosForm: form }, testTimeout, hookTimeout: 60_000 },
});

export default defineConfig({
  root: fileURLToPath(new URL('../../', import.meta.url)),
  test: { projects: [chaosProject('short', 90_000), chaosProject('full', 600_000)], fileParallelism: false },
});
