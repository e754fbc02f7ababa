import { z } from 'zod';
import { modelPattern } from './validation-message.js';

/**
 * The CreateEventSourceMapping and UpdateEventSourceMapping request bodies, with the API model's
 * constraints (botocore lambda/2015-03-31/service-2.json): what breaks them is AWS's framework
 * ValidationException (validation-message.ts). Which members a source kind takes is its profile's
 * (rules/source-members.ts): the model's members for sources Sluice does not map (Kafka, MQ,
 * DocumentDB) are taken here as they come and refused there, in Lambda's words; rules between
 * fields live in rules/.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
const filterCriteria = z.strictObject({
  Filters: z.array(z.strictObject({ Pattern: z.string().max(4096).optional() })).optional(),
});

// DestinationArn: 0-350, an ARN, a kafka:// URI or empty.
const destinationArn = modelPattern(
  '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)',
).max(350);
const destinationConfig = z.strictObject({
  OnFailure: z.strictObject({ Destination: destinationArn.optional() }).optional(),
  OnSuccess: z.strictObject({ Destination: destinationArn.optional() }).optional(),
});

const metricsConfig = z.strictObject({
  Metrics: z.array(z.enum(['EventCount', 'ErrorCount', 'KafkaMetrics'])).max(3).optional(),
});

// ScalingConfig.MaximumConcurrency: 2-1000 (SQS only).
// https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html
const scalingConfig = z.strictObject({ MaximumConcurrency: z.int().min(2).max(1000).optional() });

// https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html
const provisionedPollerConfig = z.strictObject({
  MinimumPollers: z.int().min(1).max(200).optional(),
  MaximumPollers: z.int().min(1).max(10000).optional(),
  PollerGroupName: modelPattern('[a-zA-Z0-9-_]*').max(128).optional(),
});

// https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingLoggingConfig.html
const loggingConfig = z.strictObject({ SystemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional() });

const functionName = z.string().min(1).max(256);
const kmsKeyArn = modelPattern('(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()').max(10000);
/** The model's Arn (EventSourceArn, and List's filter by it). */
export const sourceArn = modelPattern('arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)').max(10000);

/**
 * Tags: keys 1-128, values 0-256, of letters, digits, spaces and `_.:/=+-@`.
 * https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
 */
const TAG_CHARACTERS = '([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)';
export const tagKey = modelPattern(TAG_CHARACTERS).min(1).max(128);
export const tags = z.record(tagKey, modelPattern(TAG_CHARACTERS).max(256));

/** Model members of sources Sluice does not map: taken as they come, refused by every profile. */
const otherSourceMembers = {
  SourceAccessConfigurations: z.unknown().optional(),
  SelfManagedKafkaEventSourceConfig: z.unknown().optional(),
  AmazonManagedKafkaEventSourceConfig: z.unknown().optional(),
  DocumentDBEventSourceConfig: z.unknown().optional(),
};

const mutableFields = {
  FunctionName: functionName,
  Enabled: z.boolean(),
  BatchSize: z.int().min(1).max(10000),
  FilterCriteria: filterCriteria,
  MaximumBatchingWindowInSeconds: z.int().min(0).max(300),
  ParallelizationFactor: z.int().min(1).max(10),
  DestinationConfig: destinationConfig,
  MaximumRecordAgeInSeconds: z.int().min(-1).max(604800),
  BisectBatchOnFunctionError: z.boolean(),
  MaximumRetryAttempts: z.int().min(-1).max(10000),
  TumblingWindowInSeconds: z.int().min(0).max(900),
  FunctionResponseTypes: z.array(z.enum(['ReportBatchItemFailures'])).max(1),
  KMSKeyArn: kmsKeyArn,
  MetricsConfig: metricsConfig,
  ScalingConfig: scalingConfig,
  ProvisionedPollerConfig: provisionedPollerConfig,
  LoggingConfig: loggingConfig,
  ...otherSourceMembers,
};

export const createMappingRequest = z
  .strictObject({
    ...mutableFields,
    FunctionName: functionName,
    // Not required by the model: without it (and without SelfManagedEventSource) Lambda answers "Unrecognized event source."
    EventSourceArn: sourceArn.optional(),
    // In the order AWS's validation sentence lists them (recorded: test_create_starting_position_validation_exceptions
    // in LocalStack's tests/aws/services/lambda_/event_source_mapping/test_api.snapshot.json).
    StartingPosition: z.enum(['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON']).optional(),
    // The SDK and CLI send timestamps as epoch seconds.
    StartingPositionTimestamp: z.number().optional(),
    Tags: tags.optional(),
    Topics: z.unknown().optional(),
    Queues: z.unknown().optional(),
    SelfManagedEventSource: z.unknown().optional(),
  })
  .partial({
    Enabled: true,
    BatchSize: true,
    FilterCriteria: true,
    MaximumBatchingWindowInSeconds: true,
    ParallelizationFactor: true,
    DestinationConfig: true,
    MaximumRecordAgeInSeconds: true,
    BisectBatchOnFunctionError: true,
    MaximumRetryAttempts: true,
    TumblingWindowInSeconds: true,
    FunctionResponseTypes: true,
    KMSKeyArn: true,
    MetricsConfig: true,
    ScalingConfig: true,
    ProvisionedPollerConfig: true,
    LoggingConfig: true,
  });

export const updateMappingRequest = z.strictObject(mutableFields).partial();

export type CreateMappingRequest = z.infer<typeof createMappingRequest>;
export type UpdateMappingRequest = z.infer<typeof updateMappingRequest>;
export type FilterCriteriaInput = z.infer<typeof filterCriteria>;
export type DestinationConfigInput = z.infer<typeof destinationConfig>;
export type MetricsConfigInput = z.infer<typeof metricsConfig>;
export type ScalingConfigInput = z.infer<typeof scalingConfig>;
export type ProvisionedPollerConfigInput = z.infer<typeof provisionedPollerConfig>;
