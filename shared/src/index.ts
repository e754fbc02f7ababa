export { loadConfig, envSchema, type SluiceConfig, type Env } from './config/env.js';
export { SluiceError } from './errors/sluice-error.js';
export { unreachable } from './errors/unreachable.js';
export { ConfigError } from './errors/config-error.js';
export { createLogger, type Logger } from './log/logger.js';
export { createAwsClients, type AwsClients } from './aws/clients.js';
export { endpointFor, type AwsService } from './aws/endpoints.js';
export { createRedisKeys, hashTagOf, type RedisKeys } from './redis/redis-keys.js';
export { createRedis, mastersOf } from './redis/redis-connection.js';
export { parseRedisTarget, type RedisTarget, type RedisNode } from './redis/redis-target.js';
export { RegistryEpoch, type RegistryCheck } from './redis/registry-epoch.js';
export { RedisOutageLog } from './redis/redis-outage-log.js';
export { redisAnswers } from './redis/redis-answers.js';
export { checkRedisPersistence } from './redis/redis-persistence.js';
export { KEY_LAYOUT, OlderKeyLayoutError, checkKeyLayout, type KeyLayoutCheck } from './redis/key-layout.js';
export { loadDevEnv, devEnvSchema, type DevEnv } from './config/dev-env.js';
export { applyDevStackEnv, type DevStackEndpoints } from './config/dev-stack-env.js';
export { MappingState, isStableState, settledState, updateState } from './mapping/mapping-state.js';
export { isStreamMapping, type EventSourceMapping, type StreamMapping, type QueueMapping, type StartingPosition } from './mapping/event-source-mapping.js';
export type {
  MappingStore,
  CreateMappingResult,
  ConditionalWriteResult,
  ReplaceMappingResult,
  ListMappingsQuery,
  MappingPage,
} from './mapping/mapping-store.js';
export { RedisMappingStore } from './mapping/redis-mapping-store.js';
export type { TagStore, TaggedResource, Tags, TagWriteResult } from './tags/tag-store.js';
export { RedisTagStore } from './tags/redis-tag-store.js';
export { ProcessingResult } from './mapping/processing-result.js';
export type { FunctionCode, FunctionDefinition, InvokerConfig } from './functions/function-definition.js';
export { SHARD_END, leaseKeys, type LeaseKeys, type LeaseScope } from './leases/lease-keys.js';
export { RedisLeaseReader, type LeaseView, type LeaseReading } from './leases/redis-lease-reader.js';
export { moduleLeavesFunctionsDir } from './functions/function-module-path.js';
export type { FunctionStore, FunctionPage, FunctionUsers, RemoveFunctionResult } from './functions/function-store.js';
export { RedisFunctionStore, functionChangesChannel } from './functions/redis-function-store.js';
export { CachedFunctionStore, FunctionChangeListener, FUNCTION_CACHE_TTL_MS } from './functions/function-cache.js';
export {
  SOURCE_PROFILES,
  SOURCE_KINDS,
  STREAM_SOURCE_KINDS,
  QUEUE_SOURCE_KINDS,
  sourceProfile,
  streamProfile,
  queueProfile,
  isStreamKind,
  parseSourceArn,
  type SourceArn,
  type StreamSourceArn,
  type QueueSourceArn,
  type SourceKind,
  type StreamSourceKind,
  type QueueSourceKind,
} from './sources/source-kinds.js';
export {
  MAPPING_MEMBERS,
  type MappingMember,
  type MappingMetric,
  type SourceModel,
  type SourceProfile,
  type StreamSourceProfile,
  type QueueSourceProfile,
  type LambdaRecord,
} from './sources/source-profile.js';
export { isFifoQueueArn } from './sources/sqs-profile.js';
export { parseFunctionRef, functionArn, eventSourceMappingArn, FUNCTION_NAME, type FunctionRef } from './arn/lambda-arn.js';
export { ErrorCode } from './errors/error-codes.js';
export { internalFault, isRedisUnavailable } from './errors/internal-fault.js';
export { MAX_JSON_DEPTH, JSON_TOO_DEEP, jsonDepthExceeds } from './json/json-depth.js';
export type { StreamRecord } from './stream/stream-record.js';
export { compareSequenceNumbers, isAfter } from './stream/sequence-number.js';
export {
  STREAM_BATCH_QUEUE,
  streamBatchJobSchema,
  streamBatchJobId,
  packStreamBatchJob,
  unpackStreamBatchJob,
  type StreamBatchJob,
  type BatchOutcome,
  type DiscardCondition,
  type SubBatch,
  type BatchProgress,
  type BatchWindow,
} from './queue/stream-batch-job.js';
export { windowStartMs, windowIsoTime } from './windows/tumbling-window.js';
export type { WindowStateKey, WindowStateRecord, WindowStateStore, WindowStateWrite } from './windows/window-state-store.js';
export { RedisWindowStateStore, DEFAULT_WINDOW_STATE_MAX_BYTES } from './windows/redis-window-state-store.js';
export type { Invoker, InvokeRequest, InvokeResult } from './invoker/invoker.js';
export { EVENT_COUNT_METRICS, countsEvents, eventCountMetricName, type EventCountMetric } from './metrics/event-count-metrics.js';
export { INVOKED_STATUS_CODE } from './invoker/invoker.js';
export { backoffDelay, type BackoffOptions } from './retry/backoff.js';
export { createSluiceMetrics, type SluiceMetrics } from './metrics/sluice-metrics.js';
export {
  STREAM_BATCH_BACKOFF,
  STREAM_BATCH_JOB_OPTIONS,
  createStreamBatchQueue,
  createStreamBatchQueueEvents,
  enqueueStreamBatch,
  addStreamBatch,
  awaitBatchOutcome,
  type StreamBatchQueue,
  type StreamBatchJobHandle,
} from './queue/stream-batch-queue.js';
export { LocalBatchOutcomes, type LocalOutcomeWait } from './queue/local-batch-outcomes.js';
export { buildKinesisStreamRecord, defaultInvokeIdentityArn, type KinesisRecordInput, type KinesisRecordContext } from './events/kinesis-record.js';
export { buildDynamoDbStreamRecord, type DynamoDbRecordInput } from './events/dynamodb-record.js';
export { packLambdaRecords, unpackLambdaRecords, type PackedRecords } from './events/packed-records.js';
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
export {
  DestinationType,
  isAsyncInvocationDelivery,
  type Destination,
  type DestinationRouter,
  type FailureDelivery,
  type AsyncInvocationDelivery,
  type DestinationDelivery,
} from './destinations/destination.js';
export { FunctionDestination, type FunctionDestinationDeps } from './destinations/function-destination.js';
export {
  buildAsyncInvocationRecord,
  asyncFailureObjectKey,
  parseJsonText,
  type AsyncInvocationRecord,
  type AsyncInvocationRecordInput,
  type AsyncInvocationCondition,
  type AsyncInvocationResponse,
} from './destinations/async-invocation-record.js';
export { SqsDestination } from './destinations/sqs-destination.js';
export { SnsDestination } from './destinations/sns-destination.js';
export { S3Destination } from './destinations/s3-destination.js';
export { AwsDestinationRouter } from './destinations/aws-destination-router.js';
export {
  DeadLetterKind,
  MAX_DEAD_LETTER_PAYLOAD_BYTES,
  deadLetterRecordCount,
  type DeadLetter,
  type DeadLetterReplay,
  type DeadLetterSummary,
  type StreamBatchPayload,
} from './dead-letters/dead-letter.js';
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
export { RedisEventInvokeConfigStore, eventInvokeConfigKey } from './functions/redis-event-invoke-config-store.js';
export type { ConcurrencyLimiter, ConcurrencySlot } from './functions/concurrency-limiter.js';
export { RedisConcurrencyLimiter } from './functions/redis-concurrency-limiter.js';
export {
  compileRecordFilter,
  filterSourceOf,
  FILTER_SOURCES,
  RecordFilter,
  type FilterSource,
  type FilterExplanation,
} from './filters/record-filter.js';
export { compileFilterPattern, MAX_FILTER_PATTERN_LENGTH } from './filters/compile-filter-pattern.js';
export { matchFilterPattern } from './filters/match-filter-pattern.js';
export { FilterPatternError, type CompiledFilterPattern } from './filters/filter-pattern.js';
export { parseRawJson, JsonNumber, type RawJsonValue } from './filters/raw-json.js';
export type { S3Binding, ManagedS3Notification } from './s3-bindings/s3-binding.js';
export type { S3BindingStore, BucketBindings, S3BindingPage, CreateS3BindingResult } from './s3-bindings/s3-binding-store.js';
export { RedisS3BindingStore, s3BindingsByFunctionKey } from './s3-bindings/redis-s3-binding-store.js';
export { S3_EVENT_TYPES, isS3EventType, eventTypesOverlap, eventNameMatches, type S3EventType } from './s3-bindings/s3-event-types.js';
export { keyMatches, keyFiltersOverlap, type S3KeyFilter } from './s3-bindings/s3-key-filter.js';
export { decodeS3EventKey, encodeS3EventKey } from './s3-bindings/s3-key-encoding.js';
export { findOverlap, OVERLAP_MESSAGE, AMBIGUOUS_MESSAGE, type S3BindingOverlap } from './s3-bindings/s3-binding-overlap.js';
export { bindingMatches } from './s3-bindings/s3-binding-match.js';
export { buildSqsQueueMessage, type QueueMessage, type SqsMessageInput, type SqsMessageAttributeInput } from './events/sqs-record.js';
export {
  QUEUE_BATCH_QUEUE,
  queueBatchJobSchema,
  type QueueBatchJob,
  type QueueBatchOutcome,
  type QueueBatchFailure,
} from './queue/queue-batch-job.js';
export {
  QUEUE_BATCH_JOB_OPTIONS,
  createQueueBatchQueue,
  createQueueBatchQueueEvents,
  type QueueBatchQueue,
  type QueueBatchJobHandle,
} from './queue/queue-batch-queue.js';
export type { ContractMethod, ContractOperation, ContractResponse } from './openapi/contract-operation.js';
export { buildOpenApiDocument, documentRegistered, openApiPath, type ContractInfo } from './openapi/openapi-document.js';
export { recordRoutes, registeredRoutes, routeKey, type RegisteredRoute, type RouteHookHost } from './openapi/route-list.js';
