import { afterAll, expect, inject, it } from 'vitest';
import { CHAOS_FORMS } from './chaos-form.js';
import { explainFailure, faultWindow, runScenario, startChaosRig, type ChaosRig } from './chaos-rig.js';

// kinesis-local is frozen (SIGSTOP) while records flow and thawed (SIGCONT): every open connection
// hangs, the producer's puts too, and Sluice must carry on from where it was once it answers.
const form = CHAOS_FORMS[inject('chaosForm')];
let rig: ChaosRig | undefined;
let stopped = false;
afterAll(async () => {
  if (stopped) process.kill(rig!.kinesisLocal.pid, 'SIGCONT');
  await rig?.close();
});

it(`loses no record and keeps order per shard through kinesis-local stopped (SIGSTOP) for ${form.outageMs / 1000} s`, async () => {
  rig = await startChaosRig(form, 1);
  const { pid } = rig.kinesisLocal;

  const tally = await runScenario(rig, 'kinesis-sigstop', async () => [
    await faultWindow(
      `kinesis-local SIGSTOP ${form.outageMs / 1000} s`,
      () => void ((stopped = true), process.kill(pid, 'SIGSTOP')),
      form.outageMs,
      () => void (process.kill(pid, 'SIGCONT'), (stopped = false)),
    ),
  ]);

  expect(tally.lost, explainFailure(rig, tally)).toBe(0);
  expect(tally.orderViolations, explainFailure(rig, tally)).toBe(0);
});
