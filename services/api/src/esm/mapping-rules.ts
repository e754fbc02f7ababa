import { compileRecordFilter, FilterPatternError, type EventSourceMapping, type SourceKind, type StartingPosition } from '@sluice/shared';
import { invalidParameter } from '../errors/lambda-api-error.js';
import type {
  CreateMappingRequest,
  DestinationConfigInput,
  FilterCriteriaInput,
  MetricsConfigInput,
  UpdateMappingRequest,
} from './mapping-request-schemas.js';

/** The settings a user can change with UpdateEventSourceMapping, resolved (defaults applied). */
export type MappingSettings = Pick<
  EventSourceMapping,
  | 'enabled'
  | 'batchSize'
  | 'maximumBatchingWindowInSeconds'
  | 'parallelizationFactor'
  | 'onFailureDestination'
  | 'maximumRecordAgeInSeconds'
  | 'bisectBatchOnFunctionError'
  | 'maximumRetryAttempts'
  | 'tumblingWindowInSeconds'
  | 'functionResponseTypes'
  | 'filterPatterns'
  | 'kmsKeyArn'
  | 'metrics'
>;

export interface MappingLimits {
  /** Filters per mapping: 5 by default, up to 10 with a quota increase. */
  readonly maxFilters: number;
}

/**
 * Stream defaults as AWS reports them on a new Kinesis or DynamoDB mapping
 * (aws-facts 1.3/1.4; https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html).
 */
export const STREAM_DEFAULTS: MappingSettings = {
  enabled: true,
  batchSize: 100,
  maximumBatchingWindowInSeconds: 0,
  parallelizationFactor: 1,
  maximumRecordAgeInSeconds: -1,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: -1,
  tumblingWindowInSeconds: 0,
  functionResponseTypes: [],
};

export interface StartingPoint {
  readonly startingPosition: StartingPosition;
  readonly startingPositionTimestamp?: number;
}

/**
 * StartingPosition is required for streams; AT_TIMESTAMP is Kinesis-only, needs a timestamp that
 * is not in the future, and a timestamp goes with AT_TIMESTAMP only.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-StartingPosition
 */
export function resolveStartingPoint(req: CreateMappingRequest, kind: SourceKind, nowMs: number): StartingPoint {
  const { StartingPosition: position, StartingPositionTimestamp: timestamp } = req;
  if (position === undefined) {
    throw invalidParameter('1 validation error detected: Value null at \'startingPosition\' failed to satisfy constraint: Member must not be null (StartingPosition is required for Kinesis and DynamoDB Streams sources)');
  }
  if (position === 'AT_TIMESTAMP') {
    if (kind === 'dynamodb') throw invalidParameter(`Unsupported starting position for arn type: ${req.EventSourceArn}`);
    if (timestamp === undefined) throw invalidParameter('StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP.');
    if (timestamp * 1000 > nowMs) throw invalidParameter('StartingPositionTimestamp cannot be in the future.');
    return { startingPosition: position, startingPositionTimestamp: timestamp };
  }
  if (timestamp !== undefined) {
    throw invalidParameter('StartingPositionTimestamp can only be given when StartingPosition is AT_TIMESTAMP.');
  }
  return { startingPosition: position };
}

/** Applies a Create or Update request over current settings, then checks the rules between fields. */
export function resolveSettings(
  current: MappingSettings,
  req: CreateMappingRequest | UpdateMappingRequest,
  limits: MappingLimits,
): MappingSettings {
  const next: MappingSettings = {
    enabled: req.Enabled ?? current.enabled,
    batchSize: req.BatchSize ?? current.batchSize,
    maximumBatchingWindowInSeconds: req.MaximumBatchingWindowInSeconds ?? current.maximumBatchingWindowInSeconds,
    parallelizationFactor: req.ParallelizationFactor ?? current.parallelizationFactor,
    maximumRecordAgeInSeconds: req.MaximumRecordAgeInSeconds ?? current.maximumRecordAgeInSeconds,
    bisectBatchOnFunctionError: req.BisectBatchOnFunctionError ?? current.bisectBatchOnFunctionError,
    maximumRetryAttempts: req.MaximumRetryAttempts ?? current.maximumRetryAttempts,
    tumblingWindowInSeconds: req.TumblingWindowInSeconds ?? current.tumblingWindowInSeconds,
    functionResponseTypes: req.FunctionResponseTypes ?? current.functionResponseTypes,
    ...optional('onFailureDestination', req.DestinationConfig === undefined ? current.onFailureDestination : onFailure(req.DestinationConfig)),
    ...optional('filterPatterns', req.FilterCriteria === undefined ? current.filterPatterns : filterPatterns(req.FilterCriteria, limits)),
    ...optional('kmsKeyArn', req.KMSKeyArn === undefined ? current.kmsKeyArn : req.KMSKeyArn || undefined),
    ...optional('metrics', req.MetricsConfig === undefined ? current.metrics : metrics(req.MetricsConfig)),
  };
  checkRecordAge(next.maximumRecordAgeInSeconds);
  return next;
}

/**
 * MaximumRecordAgeInSeconds is -1 (infinite) or 60..604800; 0-59 are refused.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-MaximumRecordAgeInSeconds
 */
function checkRecordAge(age: number): void {
  if (age !== -1 && age < 60) {
    throw invalidParameter(
      `MaximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800; got ${age}.`,
    );
  }
}

const DESTINATION_ARN = /^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$|^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Stream mappings take an on-failure destination (an SQS queue, SNS topic or S3 bucket) and no
 * on-success one. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function onFailure(config: DestinationConfigInput): string | undefined {
  if (config.OnSuccess?.Destination) {
    throw invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type: OnSuccess.');
  }
  const destination = config.OnFailure?.Destination;
  if (destination === undefined || destination === '') return undefined;
  if (!DESTINATION_ARN.test(destination)) {
    throw invalidParameter(
      `DestinationConfig.OnFailure.Destination must be the ARN of an SQS queue, an SNS topic or an S3 bucket: ${destination}`,
    );
  }
  return destination;
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

/** EventCount and ErrorCount apply to streams; KafkaMetrics to Kafka sources only. */
function metrics(config: MetricsConfigInput): string[] | undefined {
  const list = config.Metrics ?? [];
  if (list.includes('KafkaMetrics')) throw invalidParameter('MetricsConfig KafkaMetrics is only supported for Kafka event sources.');
  return list.length === 0 ? undefined : [...new Set(list)];
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
