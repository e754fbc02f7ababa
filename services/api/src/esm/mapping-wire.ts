import { eventSourceMappingArn, type EventSourceMapping } from '@sluice/shared';

/** The ARN context ours are written in. */
export interface ArnContext {
  readonly region: string;
  readonly account: string;
}

/**
 * A stored mapping in Lambda's EventSourceMappingConfiguration shape, field for field as AWS
 * returns it for stream sources (aws-facts 1.4; LastModified in epoch seconds).
 * https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html
 */
export function toMappingConfiguration(m: EventSourceMapping, ctx: ArnContext, options: { listing?: boolean } = {}) {
  // With a customer KMS key, List leaves the filter criteria out (they are encrypted at rest on AWS).
  const showFilters = m.filterPatterns !== undefined && !(options.listing && m.kmsKeyArn !== undefined);
  return {
    UUID: m.uuid,
    StartingPosition: m.startingPosition,
    ...(m.startingPositionTimestamp === undefined ? {} : { StartingPositionTimestamp: m.startingPositionTimestamp }),
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    ParallelizationFactor: m.parallelizationFactor,
    EventSourceArn: m.eventSourceArn,
    ...(showFilters ? { FilterCriteria: { Filters: m.filterPatterns!.map((Pattern) => ({ Pattern })) } } : {}),
    FunctionArn: m.functionArn,
    LastModified: m.lastModified / 1000,
    LastProcessingResult: m.lastProcessingResult,
    State: m.state,
    StateTransitionReason: m.stateTransitionReason,
    DestinationConfig: { OnFailure: m.onFailureDestination === undefined ? {} : { Destination: m.onFailureDestination } },
    MaximumRecordAgeInSeconds: m.maximumRecordAgeInSeconds,
    BisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
    MaximumRetryAttempts: m.maximumRetryAttempts,
    TumblingWindowInSeconds: m.tumblingWindowInSeconds,
    FunctionResponseTypes: [...m.functionResponseTypes],
    ...(m.kmsKeyArn === undefined ? {} : { KMSKeyArn: m.kmsKeyArn }),
    ...(m.metrics === undefined ? {} : { MetricsConfig: { Metrics: [...m.metrics] } }),
    EventSourceMappingArn: eventSourceMappingArn(ctx.region, ctx.account, m.uuid),
  };
}
