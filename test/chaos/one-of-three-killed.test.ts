import { afterAll, expect, inject, it } from 'vitest';
import { CHAOS_FORMS } from './chaos-form.js';
import { explainFailure, faultWindow, runScenario, startChaosRig, type ChaosRig } from './chaos-rig.js';

// Three Sluice processes (every role) share the shards; one is SIGKILLed while records flow and
// stays dead: the two others take its leases and its batches in flight.
const form = CHAOS_FORMS[inject('chaosForm')];
let rig: ChaosRig | undefined;
afterAll(async () => rig?.close());

it('loses no record and keeps order per shard through a SIGKILL of one of three Sluice processes', async () => {
  rig = await startChaosRig(form, 3);

  const tally = await runScenario(rig, 'one-of-three-sigkill', async (r) => [await faultWindow('SIGKILL of 1 of 3', () => r.kill(1), 0, () => undefined)]);

  expect(tally.lost, explainFailure(rig, tally)).toBe(0);
  expect(tally.orderViolations, explainFailure(rig, tally)).toBe(0);
});
