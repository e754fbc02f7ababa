/**
 * How a worker holds the jobs it runs, alike for every queue: a BullMQ lock of `lockMs`, renewed at
 * half of it while the job runs; the stalled check also runs every half, so a dead worker's job goes
 * to another worker about 1.5 locks after its last renewal. A dead worker is our fault, never the
 * function's or the event's, so the stalled count is effectively unlimited (a failed job would leave
 * its lane without an outcome); MaximumRecordAgeInSeconds and MaximumEventAgeInSeconds bound it.
 * https://docs.bullmq.io/guide/workers/stalled-jobs
 */
export function jobLockOptions(lockMs: number) {
  return { lockDuration: lockMs, stalledInterval: Math.max(100, Math.round(lockMs / 2)), maxStalledCount: 1_000_000 };
}
