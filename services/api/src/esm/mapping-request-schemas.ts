import { z } from 'zod';

/**
 * The CreateEventSourceMapping and UpdateEventSourceMapping request bodies, with the model's
 * ranges (botocore lambda/2015-03-31/service-2.json). Which members a source kind takes is its
 * profile's (rules/source-members.ts); rules between fields live in rules/. Members Lambda has for
 * sources Sluice does not map (Kafka, MQ, DocumentDB) are refused as unsupported, so a user learns
 * at once that Sluice will not honour them.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
const filterCriteria = z.strictObject({
  Filters: z.array(z.strictObject({ Pattern: z.string().max(4096).optional() })).optional(),
});

const destinationConfig = z.strictObject({
  OnFailure: z.strictObject({ Destination: z.string().min(0).max(350).optional() }).optional(),
  OnSuccess: z.strictObject({ Destination: z.string().min(0).max(350).optional() }).optional(),
});

const metricsConfig = z.strictObject({
  Metrics: z.array(z.enum(['EventCount', 'ErrorCount', 'KafkaMetrics'])).max(3).optional(),
});

// ScalingConfig.MaximumConcurrency: 2-1000 (SQS only).
// https://docs.aws.amazon.com/lambda/latest/api/API_ScalingConfig.html
const scalingConfig = z.strictObject({ MaximumConcurrency: z.int().min(2).max(1000).optional() });

const functionName = z.string().min(1).max(140);
const kmsKeyArn = z.string().regex(/^(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()$/);

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
};

export const createMappingRequest = z.strictObject({
  ...mutableFields,
  FunctionName: functionName,
  EventSourceArn: z.string().regex(/^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d)?:(\d{12})?:(.*)$/),
  // In the order AWS's validation sentence lists them (recorded: test_create_starting_position_validation_exceptions
  // in LocalStack's tests/aws/services/lambda_/event_source_mapping/test_api.snapshot.json).
  StartingPosition: z.enum(['LATEST', 'AT_TIMESTAMP', 'TRIM_HORIZON']).optional(),
  // The SDK and CLI send timestamps as epoch seconds.
  StartingPositionTimestamp: z.number().optional(),
  Tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
}).partial({
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
});

export const updateMappingRequest = z.strictObject(mutableFields).partial();

export type CreateMappingRequest = z.infer<typeof createMappingRequest>;
export type UpdateMappingRequest = z.infer<typeof updateMappingRequest>;
export type FilterCriteriaInput = z.infer<typeof filterCriteria>;
export type DestinationConfigInput = z.infer<typeof destinationConfig>;
export type MetricsConfigInput = z.infer<typeof metricsConfig>;
export type ScalingConfigInput = z.infer<typeof scalingConfig>;
