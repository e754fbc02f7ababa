import { compileRecordFilter, FilterPatternError, type EventSourceMapping, type SourceProfile } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import { unsupportedMemberMessage } from './source-members.js';
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
export const CLEARABLE_SETTINGS = ['onFailureDestination', 'filterPatterns', 'kmsKeyArn', 'metrics', 'maximumConcurrency', 'provisionedPollers'] as const;

/** Applies a Create or Update request's common members over current settings. */
export function resolveCommonSettings(
  current: CommonSettings,
  req: CreateMappingRequest | UpdateMappingRequest,
  limits: MappingLimits,
  profile: Pick<SourceProfile, 'metrics' | 'title'>,
): CommonSettings {
  return {
    enabled: req.Enabled ?? current.enabled,
    batchSize: req.BatchSize ?? current.batchSize,
    maximumBatchingWindowInSeconds: req.MaximumBatchingWindowInSeconds ?? current.maximumBatchingWindowInSeconds,
    functionResponseTypes: req.FunctionResponseTypes ?? current.functionResponseTypes,
    ...optional('filterPatterns', req.FilterCriteria === undefined ? current.filterPatterns : filterPatterns(req.FilterCriteria, limits)),
    ...optional('kmsKeyArn', req.KMSKeyArn === undefined ? current.kmsKeyArn : req.KMSKeyArn || undefined),
    ...optional('metrics', req.MetricsConfig === undefined ? current.metrics : metrics(req.MetricsConfig, profile)),
  };
}

/**
 * Lambda's sentence for a FilterCriteria pattern it cannot read, whatever is wrong with it (recorded
 * on AWS for a null, a plain-string and a malformed pattern: test_sqs_invalid_event_filter in
 * LocalStack's tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_sqs.snapshot.json).
 * Which filter and what is wrong with it is Sluice's detail.
 */
export const INVALID_FILTER = 'Invalid filter pattern definition.';

/**
 * Filters are stored as their JSON pattern strings, at most `maxFilters` of them. Each must compile
 * with the filter engine (the one the poller matches with), so what is accepted here is exactly
 * what runs. https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
function filterPatterns(criteria: FilterCriteriaInput, limits: MappingLimits): string[] | undefined {
  const filters = criteria.Filters ?? [];
  if (filters.length > limits.maxFilters) {
    // Lambda's own sentence for too many filters was not found recorded: inferred.
    throw invalidParameter(
      'The number of filters in FilterCriteria exceeds the limit.',
      `FilterCriteria has ${filters.length} filters; at most ${limits.maxFilters} are allowed per event source mapping (5 by default, up to 10 with a quota increase; SLUICE_MAX_FILTERS).`,
    );
  }
  const patterns = filters.map((filter, i) => {
    if (filter.Pattern === undefined) throw invalidParameter(INVALID_FILTER, `Filters[${i}] has no Pattern.`);
    return filter.Pattern;
  });
  try {
    compileRecordFilter(patterns, 'json');
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalidParameter(INVALID_FILTER, error.message);
    throw error;
  }
  return patterns.length === 0 ? undefined : patterns;
}

/**
 * The metrics the kind takes: EventCount for every kind Sluice maps; ErrorCount and KafkaMetrics
 * are Kafka's (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html).
 * Lambda's sentence for one a kind does not take was not found: its generic one for a member the
 * mapping's type has no use for is inferred.
 */
function metrics(config: MetricsConfigInput, profile: Pick<SourceProfile, 'metrics' | 'title'>): EventSourceMapping['metrics'] {
  const list = config.Metrics ?? [];
  const refused = list.filter((metric) => !profile.metrics.includes(metric));
  if (refused.length > 0) {
    throw invalidParameter(
      unsupportedMemberMessage('MetricsConfig'),
      `a ${profile.title} mapping takes MetricsConfig ${profile.metrics.join(', ')}; ${refused.join(', ')} are for Kafka sources (Amazon MSK, self-managed Apache Kafka)`,
    );
  }
  return list.length === 0 ? undefined : [...new Set(list)];
}

/** `{ key: value }`, or `{}` when the value is undefined (exactOptionalPropertyTypes). */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
