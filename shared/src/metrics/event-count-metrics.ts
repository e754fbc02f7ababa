import { Counter, type Registry } from 'prom-client';
import type { MappingMetric } from '../sources/source-profile.js';

/**
 * Lambda's event source mapping metrics of MetricsConfig EventCount, by AWS's names. Sluice exports
 * each as a Prometheus counter named after it in snake case (PolledEventCount ->
 * sluice_esm_polled_event_count_total{mapping}), for the mappings that turned them on.
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics
 */
export const EVENT_COUNT_METRICS = {
  PolledEventCount: 'Events read from the source',
  FilteredOutEventCount: 'Events no FilterCriteria filter matched (never delivered)',
  InvokedEventCount: 'Events the function was invoked with (each invocation counts its events)',
  FailedInvokeEventCount: 'Events of invocations that failed (a function error, or the function not reached)',
  DroppedEventCount: 'Events discarded (record age or retries exhausted) without an on-failure destination (Sluice parks them in its dead-letter store)',
  DeletedEventCount: 'Messages deleted from their queue after processing (SQS)',
  OnFailureDestinationDeliveredEventCount: 'Events whose failure record reached the on-failure destination (streams)',
} as const;

export type EventCountMetric = keyof typeof EVENT_COUNT_METRICS;

export type EventCountCounters = Readonly<Record<EventCountMetric, Counter<'mapping'>>>;

/** `PolledEventCount` -> `sluice_esm_polled_event_count_total`. */
export function eventCountMetricName(metric: EventCountMetric): string {
  return `sluice_esm_${metric.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_total`;
}

export function createEventCountCounters(registers: Registry[]): EventCountCounters {
  const entries = (Object.keys(EVENT_COUNT_METRICS) as EventCountMetric[]).map(
    (metric) => [metric, new Counter({ name: eventCountMetricName(metric), help: `Lambda's ${metric}: ${EVENT_COUNT_METRICS[metric]} (MetricsConfig EventCount)`, labelNames: ['mapping'], registers })] as const,
  );
  return Object.fromEntries(entries) as unknown as EventCountCounters;
}

/** Whether a mapping turned its event counts on (MetricsConfig.Metrics has EventCount); off by default, as on AWS. */
export function countsEvents(mapping: { readonly metrics?: readonly MappingMetric[] | undefined }): boolean {
  return mapping.metrics?.includes('EventCount') ?? false;
}
