import { eventSourceMappingArn, type EventSourceMapping, type QueueMapping, type StreamMapping } from '@sluice/shared';

/** The ARN context ours are written in. */
export interface ArnContext {
  readonly region: string;
  readonly account: string;
}

interface WireOptions {
  readonly listing?: boolean;
}

/**
 * A stored mapping in Lambda's EventSourceMappingConfiguration shape, field for field as AWS
 * returns it for the mapping's source model (LastModified in epoch seconds).
 * https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingConfiguration.html
 */
export function toMappingConfiguration(m: EventSourceMapping, ctx: ArnContext, options: WireOptions = {}) {
  switch (m.sourceModel) {
    case 'stream':
      return streamConfiguration(m, ctx, options);
    case 'queue':
      return queueConfiguration(m, ctx, options);
  }
}

/** As AWS returns a Kinesis or DynamoDB mapping. */
function streamConfiguration(m: StreamMapping, ctx: ArnContext, options: WireOptions) {
  return {
    UUID: m.uuid,
    StartingPosition: m.startingPosition,
    ...(m.startingPositionTimestamp === undefined ? {} : { StartingPositionTimestamp: m.startingPositionTimestamp }),
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    ParallelizationFactor: m.parallelizationFactor,
    EventSourceArn: m.eventSourceArn,
    ...filterCriteria(m, options),
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
    ...optionalConfigs(m),
    EventSourceMappingArn: eventSourceMappingArn(ctx.region, ctx.account, m.uuid),
  };
}

/**
 * As AWS returns an SQS mapping: no stream member (StartingPosition, ParallelizationFactor,
 * DestinationConfig, retries, windows) and no LastProcessingResult; ScalingConfig or
 * ProvisionedPollerConfig (with its defaults filled in: inferred) when set.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
function queueConfiguration(m: QueueMapping, ctx: ArnContext, options: WireOptions) {
  return {
    UUID: m.uuid,
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    EventSourceArn: m.eventSourceArn,
    ...filterCriteria(m, options),
    FunctionArn: m.functionArn,
    LastModified: m.lastModified / 1000,
    State: m.state,
    StateTransitionReason: m.stateTransitionReason,
    FunctionResponseTypes: [...m.functionResponseTypes],
    ...(m.maximumConcurrency === undefined ? {} : { ScalingConfig: { MaximumConcurrency: m.maximumConcurrency } }),
    ...(m.provisionedPollers === undefined
      ? {}
      : { ProvisionedPollerConfig: { MinimumPollers: m.provisionedPollers.minimum, MaximumPollers: m.provisionedPollers.maximum } }),
    ...optionalConfigs(m),
    EventSourceMappingArn: eventSourceMappingArn(ctx.region, ctx.account, m.uuid),
  };
}

/**
 * With a customer KMS key, List leaves the filter criteria out (they are encrypted at rest on AWS);
 * Get and the writes show them decrypted. AWS reports a key it cannot use for that in
 * FilterCriteriaError: Sluice keeps the criteria in Redis as they came and decrypts nothing, so it
 * never has such an error to report.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filter-criteria-encryption
 */
function filterCriteria(m: EventSourceMapping, options: WireOptions) {
  const show = m.filterPatterns !== undefined && !(options.listing && m.kmsKeyArn !== undefined);
  return show ? { FilterCriteria: { Filters: m.filterPatterns!.map((Pattern) => ({ Pattern })) } } : {};
}

function optionalConfigs(m: EventSourceMapping) {
  return {
    ...(m.kmsKeyArn === undefined ? {} : { KMSKeyArn: m.kmsKeyArn }),
    ...(m.metrics === undefined ? {} : { MetricsConfig: { Metrics: [...m.metrics] } }),
  };
}
