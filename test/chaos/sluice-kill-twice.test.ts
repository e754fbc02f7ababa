import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, inject, it } from 'vitest';
import { CHAOS_FORMS } from './chaos-form.js';
import { explainFailure, faultWindow, runScenario, startChaosRig, type ChaosRig } from './chaos-rig.js';

// The only Sluice process (every role) is SIGKILLed while records flow and started again at once,
// as a supervisor would, twice: its leases, its batches in flight and its queue are taken over by
// its successor.
const form = CHAOS_FORMS[inject('chaosForm')];
let rig: ChaosRig | undefined;
afterAll(async () => rig?.close());

it('loses no record and keeps order per shard through two SIGKILLs of the only Sluice process', async () => {
  rig = await startChaosRig(form, 1);

  const tally = await runScenario(rig, 'sluice-sigkill-twice', async (r) => {
    const first = await faultWindow('1st SIGKILL, restarted', () => r.kill(0), 0, () => r.restart(0));
    await sleep(form.secondKillAfterMs);
    const second = await faultWindow('2nd SIGKILL, restarted', () => r.kill(0), 0, () => r.restart(0));
    return [first, second];
  });

  expect(tally.lost, explainFailure(rig, tally)).toBe(0);
  expect(tally.orderViolations, explainFailure(rig, tally)).toBe(0);
});
