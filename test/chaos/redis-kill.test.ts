import { afterAll, expect, inject, it } from 'vitest';
import { CHAOS_FORMS } from './chaos-form.js';
import { explainFailure, faultWindow, runScenario, startChaosRig, type ChaosRig } from './chaos-rig.js';

// Redis, with AOF fsynced on every write, dies by kill -9 while records flow and starts again from
// its AOF; one Sluice process (every role) rides it out.
const form = CHAOS_FORMS[inject('chaosForm')];
let rig: ChaosRig | undefined;
afterAll(async () => rig?.close());

it('loses no record and keeps order per shard through a Redis kill -9 (AOF, appendfsync always)', async () => {
  rig = await startChaosRig(form, 1);

  const tally = await runScenario(rig, 'redis-kill-9', async ({ redis }) => [
    await faultWindow('redis kill -9', () => redis.kill(), form.redisDownMs, () => redis.start()),
  ]);

  expect(tally.lost, explainFailure(rig, tally)).toBe(0);
  expect(tally.orderViolations, explainFailure(rig, tally)).toBe(0);
});
