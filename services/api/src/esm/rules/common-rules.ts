import { compileRecordFilter, FilterPatternError, type EventSourceMapping } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import type { CreateMappingRequest, FilterCriteriaInput, MetricsConfigInput, UpdateMappingRequest } from '../mapping-request-schemas.js';

/** The settings every mapping has, whatever its source, resolved (defaults applied). */
export type CommonSettings = Pick<
  EventSourceMapping,
  'enabled' | 'batchSize' | 'maximumBatchingWindowInSeconds' | 'functionResponseTypes' | 'filterPatterns' | 'kmsKeyArn' | 'metrics'
>;

export interface MappingLimits {
  /** Filters per mapping: 5 by default, up to 10 with a quota increase. */
  readonly maxFilters: number;
}

/** The members a user may clear with an empty value; what an update leaves out it keeps. */
export const CLEARABLE_SETTINGS = ['onFailureDestination', 'filterPatterns', 'kmsKeyArn', 'metrics', 'maximumConcurrency'] as const;

/** Applies a Create or Update request's common members over current settings. */
export function resolveCommonSettings(current: CommonSettings, req: CreateMappingRequest | UpdateMappingRequest, limits: MappingLimits): CommonSettings {
  return {
    enabled: req.Enabled ?? current.enabled,
    batchSize: req.BatchSize ?? current.batchSize,
    maximumBatchingWindowInSeconds: req.MaximumBatchingWindowInSeconds ?? current.maximumBatchingWindowInSeconds,
    functionResponseTypes: req.FunctionResponseTypes ?? current.functionResponseTypes,
    ...optional('filterPatterns', req.FilterCriteria === undefined ? current.filterPatterns : filterPatterns(req.FilterCriteria, limits)),
    ...optional('kmsKeyArn', req.KMSKeyArn === undefined ? current.kmsKeyArn : req.KMSKeyArn || undefined),
    ...optional('metrics', req.MetricsConfig === undefined ? current.metrics : metrics(req.MetricsConfig)),
  };
}

/**
 * Filters are stored as their JSON pattern strings, at most `maxFilters` of them. Each must compile
 * with the filter engine (the one the poller matches with), so what is accepted here is exactly
 * what runs. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
function filterPatterns(criteria: FilterCriteriaInput, limits: MappingLimits): string[] | undefined {
  const filters = criteria.Filters ?? [];
  if (filters.length > limits.maxFilters) {
    throw invalidParameter(
      `FilterCriteria has ${filters.length} filters; at most ${limits.maxFilters} are allowed per event source mapping.`,
    );
  }
  const patterns = filters.map((filter, i) => {
    if (filter.Pattern === undefined) throw invalidParameter(`Invalid filter pattern definition: Filters[${i}] has no Pattern.`);
    return filter.Pattern;
  });
  try {
    compileRecordFilter(patterns, 'json');
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalidParameter(`Invalid filter pattern definition: ${error.message}`);
    throw error;
  }
  return patterns.length === 0 ? undefined : patterns;
}

/** EventCount and ErrorCount apply to streams and queues; KafkaMetrics to Kafka sources only. */
function metrics(config: MetricsConfigInput): string[] | undefined {
  const list = config.Metrics ?? [];
  if (list.includes('KafkaMetrics')) throw invalidParameter('MetricsConfig KafkaMetrics is only supported for Kafka event sources.');
  return list.length === 0 ? undefined : [...new Set(list)];
}

/** `{ key: value }`, or `{}` when the value is undefined (exactOptionalPropertyTypes). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
