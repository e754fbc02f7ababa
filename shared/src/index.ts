export { loadConfig, envSchema, type SluiceConfig, type Env } from './config/env.js';
export { SluiceError } from './errors/sluice-error.js';
export { ConfigError } from './errors/config-error.js';
export { createLogger, type Logger } from './log/logger.js';
export { createAwsClients, type AwsClients } from './aws/clients.js';
export { endpointFor, type AwsService } from './aws/endpoints.js';
export { createRedisKeys, type RedisKeys } from './redis/redis-keys.js';
export { createRedis } from './redis/redis-connection.js';
export { loadDevEnv, devEnvSchema, type DevEnv } from './config/dev-env.js';
export { applyDevStackEnv, type DevStackEndpoints } from './config/dev-stack-env.js';
export { MappingState, isStableState, settledState, updateState } from './mapping/mapping-state.js';
export type { EventSourceMapping, StartingPosition } from './mapping/event-source-mapping.js';
export type {
  MappingStore,
  CreateMappingResult,
  ConditionalWriteResult,
  ReplaceMappingResult,
  ListMappingsQuery,
  MappingPage,
} from './mapping/mapping-store.js';
export { RedisMappingStore } from './mapping/redis-mapping-store.js';
export type { FunctionDefinition, InvokerConfig } from './functions/function-definition.js';
export type { FunctionStore, FunctionPage } from './functions/function-store.js';
export { RedisFunctionStore } from './functions/redis-function-store.js';
export { parseSourceArn, type SourceArn, type SourceKind } from './arn/source-arn.js';
export { parseFunctionRef, functionArn, eventSourceMappingArn, FUNCTION_NAME, type FunctionRef } from './arn/lambda-arn.js';
export { ErrorCode } from './errors/error-codes.js';
export type { StreamRecord } from './stream/stream-record.js';
export { compareSequenceNumbers, isAfter } from './stream/sequence-number.js';
export {
  STREAM_BATCH_QUEUE,
  streamBatchJobSchema,
  streamBatchJobId,
  type StreamBatchJob,
  type BatchOutcome,
  type DiscardCondition,
  type SubBatch,
  type BatchProgress,
} from './queue/stream-batch-job.js';
export type { Invoker, InvokeRequest, InvokeResult } from './invoker/invoker.js';
export { backoffDelay, type BackoffOptions } from './retry/backoff.js';
export { createSluiceMetrics, type SluiceMetrics } from './metrics/sluice-metrics.js';
export {
  STREAM_BATCH_BACKOFF,
  STREAM_BATCH_JOB_OPTIONS,
  createStreamBatchQueue,
  createStreamBatchQueueEvents,
  enqueueStreamBatch,
  awaitBatchOutcome,
  type StreamBatchQueue,
  type StreamBatchJobHandle,
} from './queue/stream-batch-queue.js';
export { buildKinesisStreamRecord, defaultInvokeIdentityArn, type KinesisRecordInput, type KinesisRecordContext } from './events/kinesis-record.js';
export { buildDynamoDbStreamRecord, type DynamoDbRecordInput } from './events/dynamodb-record.js';
export { toAttributeValueJson, type AttributeValueInput, type AttributeValueJson } from './events/dynamodb-attribute-value.js';
export { defineLuaScript, runLuaScript } from './redis/lua-scripts.js';
export { lambdaRecordPosition, type LambdaRecordPosition } from './stream/lambda-record-position.js';
export {
  buildStreamFailureRecord,
  failureObjectKey,
  type StreamFailureRecord,
  type StreamFailureRecordInput,
  type StreamBatchInfo,
  type FailedResponse,
} from './destinations/stream-failure-record.js';
export { DestinationType, type Destination, type DestinationRouter, type FailureDelivery } from './destinations/destination.js';
export { SqsDestination } from './destinations/sqs-destination.js';
export { SnsDestination } from './destinations/sns-destination.js';
export { S3Destination } from './destinations/s3-destination.js';
export { AwsDestinationRouter } from './destinations/aws-destination-router.js';
export { DeadLetterKind, MAX_DEAD_LETTER_PAYLOAD_BYTES, type DeadLetter, type DeadLetterReplay, type DeadLetterSummary } from './dead-letters/dead-letter.js';
export { deadLetterId, DEAD_LETTER_ID } from './dead-letters/dead-letter-id.js';
export type { DeadLetterStore, DeadLetterQuery, DeadLetterPage } from './dead-letters/dead-letter-store.js';
export { RedisDeadLetterStore } from './dead-letters/redis-dead-letter-store.js';
export {
  DEAD_LETTER_REPLAY_QUEUE,
  deadLetterReplayJobSchema,
  createDeadLetterReplayQueue,
  enqueueDeadLetterReplay,
  type DeadLetterReplayJob,
  type DeadLetterReplayOutcome,
  type DeadLetterReplayQueue,
} from './queue/dead-letter-replay-queue.js';
export {
  ASYNC_INVOCATION_QUEUE,
  asyncInvocationJobSchema,
  type AsyncInvocationJob,
  type AsyncInvocationJobInput,
} from './queue/async-invocation-job.js';
export { createAsyncInvocationQueue, enqueueAsyncInvocation, type AsyncInvocationQueue } from './queue/async-invocation-queue.js';
export {
  DEFAULT_ASYNC_RETRY_ATTEMPTS,
  DEFAULT_ASYNC_MAX_EVENT_AGE_SECONDS,
  type EventInvokeConfig,
  type EventInvokeConfigStore,
} from './functions/event-invoke-config.js';
