import type { SluiceMetrics } from '@sluice/shared';

/** A metric of this process's registry, as prom-client reads it back. */
interface ReadableMetric {
  get(): Promise<{ values: readonly Series[] }>;
}

interface Series {
  readonly value: number;
  readonly labels: Partial<Record<string, string | number>>;
}

/** The values the dashboard shows of this process's own metrics, looked up by mapping (and shard). */
export interface MetricReadings {
  /** Sum of a metric's series of one mapping, with `label` = `value` when given; undefined when it has none. */
  ofMapping(metric: MappingMetric, mapping: string, label?: readonly [string, string]): number | undefined;
  ofShard(metric: ShardMetric, mapping: string, shard: string): number | undefined;
}

export type ShardMetric = 'iteratorAgeMs' | 'millisBehindLatest' | 'recordsRead';
export type MappingMetric =
  | 'batches'
  | 'retries'
  | 'deadLetters'
  | 'recordsFiltered'
  | 'queueMessagesReceived'
  | 'queueMessagesDeleted'
  | 'queueMessagesFailed'
  | 'queueMessagesInFlight'
  | 'queueBacklog'
  | 'queuePollers';

const SHARD_METRICS: readonly ShardMetric[] = ['iteratorAgeMs', 'millisBehindLatest', 'recordsRead'];
const MAPPING_METRICS: readonly MappingMetric[] = [
  'batches',
  'retries',
  'deadLetters',
  'recordsFiltered',
  'queueMessagesReceived',
  'queueMessagesDeleted',
  'queueMessagesFailed',
  'queueMessagesInFlight',
  'queueBacklog',
  'queuePollers',
];

/**
 * Reads the metrics the dashboard shows from the process's prom-client registry: in-memory, no
 * Redis, one pass over each metric's series. They are the process's own: the poller and worker
 * roles that record them must run in this process (README, Dashboard).
 */
export async function readMetrics(metrics: SluiceMetrics): Promise<MetricReadings> {
  const names = [...SHARD_METRICS, ...MAPPING_METRICS];
  const values = await Promise.all(names.map(async (name) => (await (metrics[name] as ReadableMetric).get()).values));
  // metric -> mapping -> its series: each lookup reads one mapping's few series, not the whole metric.
  const index = new Map<string, Map<string, Series[]>>();
  names.forEach((name, i) => {
    const byMapping = new Map<string, Series[]>();
    for (const series of values[i]!) {
      const mapping = String(series.labels.mapping);
      byMapping.set(mapping, [...(byMapping.get(mapping) ?? []), series]);
    }
    index.set(name, byMapping);
  });
  const seriesOf = (metric: string, mapping: string) => index.get(metric)?.get(mapping) ?? [];
  return {
    ofShard: (metric, mapping, shard) => seriesOf(metric, mapping).find((s) => s.labels.shard === shard)?.value,
    ofMapping: (metric, mapping, label) => {
      const matching = seriesOf(metric, mapping).filter((s) => label === undefined || s.labels[label[0]] === label[1]);
      return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
    },
  };
}
