import type { SluiceMetrics } from '@sluice/shared';

/** What the worker counts of an attempt: the events it carried, and whether it ran and how it ended. */
export type AttemptCount = 'succeeded' | 'function-error' | 'not-invoked';

/**
 * Lambda's InvokedEventCount and FailedInvokeEventCount for a batch whose mapping turned
 * MetricsConfig EventCount on (the job says so; no read of the mapping): every invocation counts
 * its events as invoked, one that failed (a function error) or never reached the function counts
 * them as failed too. https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
 */
export function countAttempt(metrics: SluiceMetrics | undefined, job: { readonly countEvents?: true; readonly mappingId: string }, events: number, outcome: AttemptCount): void {
  if (metrics === undefined || job.countEvents !== true || events === 0) return;
  const labels = { mapping: job.mappingId };
  if (outcome !== 'not-invoked') metrics.eventCounts.InvokedEventCount.inc(labels, events);
  if (outcome !== 'succeeded') metrics.eventCounts.FailedInvokeEventCount.inc(labels, events);
}
