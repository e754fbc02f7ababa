import { afterAll, expect, inject, it } from 'vitest';
import { CHAOS_FORMS } from './chaos-form.js';
import { explainFailure, faultWindow, runScenario, startChaosRig, type ChaosRig } from './chaos-rig.js';

// The function answers 500 to every invocation for a while: with Lambda's defaults
// (MaximumRetryAttempts -1, MaximumRecordAgeInSeconds -1) each shard retries its batch until it
// succeeds, https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (error handling).
const form = CHAOS_FORMS[inject('chaosForm')];
let rig: ChaosRig | undefined;
afterAll(async () => rig?.close());

it(`loses no record and keeps order per shard through the function failing for ${form.outageMs / 1000} s`, async () => {
  rig = await startChaosRig(form, 1);

  const tally = await runScenario(rig, 'function-failing', async (r) => [
    await faultWindow(`function failing ${form.outageMs / 1000} s`, () => r.setFunctionFailing(true), form.outageMs, () => r.setFunctionFailing(false)),
  ]);

  expect(tally.lost, explainFailure(rig, tally)).toBe(0);
  expect(tally.orderViolations, explainFailure(rig, tally)).toBe(0);
});
