import type { FilterSource } from '../filters/record-filter.js';
import type { LambdaRecordPosition } from '../stream/lambda-record-position.js';
import type { PackedRecords } from '../events/packed-records.js';

/**
 * How Lambda reads a source. Streams (Kinesis, DynamoDB Streams; Kafka later) are read in order
 * per shard, checkpointed and retried in place; queues (SQS; Amazon MQ later) are received, and a
 * message is deleted once its function succeeded, or left to come back after its visibility timeout.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html
 */
export type SourceModel = 'stream' | 'queue';

/** A record as Lambda hands it to the function: an element of the event's `Records`. */
export type LambdaRecord = Readonly<Record<string, unknown>>;

/**
 * The optional members of CreateEventSourceMapping / UpdateEventSourceMapping that depend on the
 * source: each kind names the ones it takes, and a request with any other is refused.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
export const MAPPING_MEMBERS = [
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FilterCriteria',
  'FunctionResponseTypes',
  'KMSKeyArn',
  'MetricsConfig',
  'StartingPosition',
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'DestinationConfig',
  'MaximumRecordAgeInSeconds',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'TumblingWindowInSeconds',
  'ScalingConfig',
  'ProvisionedPollerConfig',
  // Members of sources Sluice does not map (Kafka, Amazon MQ, DocumentDB); no profile takes them yet.
  'LoggingConfig',
  'Topics',
  'Queues',
  'SourceAccessConfigurations',
  'SelfManagedEventSource',
  'SelfManagedKafkaEventSourceConfig',
  'AmazonManagedKafkaEventSourceConfig',
  'DocumentDBEventSourceConfig',
] as const;

export type MappingMember = (typeof MAPPING_MEMBERS)[number];

/** MetricsConfig.Metrics values (EventSourceMappingMetric). */
export type MappingMetric = 'EventCount' | 'ErrorCount' | 'KafkaMetrics';

/** The parts of a source ARN Sluice reads. */
export interface SourceArnParts {
  readonly region: string;
  readonly account: string;
  /** Kinesis stream name, DynamoDB table name, SQS queue name. */
  readonly name: string;
  /** Consumer name (Kinesis consumer) or stream label (DynamoDB). */
  readonly qualifier?: string;
}

/** What every source kind defines. */
interface SourceProfileBase<K extends string> {
  readonly kind: K;
  /** For messages and docs: "Kinesis stream", "SQS queue". */
  readonly title: string;
  /** The records' `eventSource` (aws:kinesis, aws:dynamodb, aws:sqs). */
  readonly eventSource: string;
  /** The ARN's parts when `arn` is an ARN of this kind, otherwise undefined. */
  parseArn(arn: string): SourceArnParts | undefined;
  /** Request members this kind takes besides FunctionName, EventSourceArn, Enabled and Tags. */
  readonly members: ReadonlySet<MappingMember>;
  /**
   * Lambda's own sentence for a member this kind refuses, where it has one for the kind
   * ("StartingPosition is not valid for SQS event sources."); otherwise the API's generic one.
   */
  refusedMemberMessage?(member: MappingMember): string | undefined;
  /**
   * MetricsConfig.Metrics values this kind takes: EventCount for every kind Sluice maps; ErrorCount
   * and KafkaMetrics are Kafka's (https://docs.aws.amazon.com/lambda/latest/api/API_EventSourceMappingMetricsConfig.html).
   */
  readonly metrics: readonly MappingMetric[];
  /** BatchSize when the request names none. */
  readonly defaultBatchSize: number;
  /** StateTransitionReason of a mapping a user created or changed ("User action", "USER_INITIATED"). */
  readonly userStateTransitionReason: string;
  /** How FilterCriteria patterns see this kind's records (filters/record-filter.ts). */
  readonly filterSource: FilterSource;
  /** Lambda's invocation event around a batch of this kind's records. */
  event(records: readonly LambdaRecord[]): Readonly<Record<string, unknown>>;
}

/** A source read in order per shard, with checkpoints (services/poller/src/scheduler/stream-runner.ts). */
export interface StreamSourceProfile<K extends string = string> extends SourceProfileBase<K> {
  readonly model: 'stream';
  /** Where a new mapping may start reading (StartingPosition). */
  readonly startingPositions: readonly ('TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP')[];
  /** A record's sequence number and arrival time, read back from Lambda's record. */
  position(record: LambdaRecord): LambdaRecordPosition;
  /** The on-failure record's batch member and how it writes arrival times. */
  readonly failureBatchInfo: {
    readonly key: 'KinesisBatchInfo' | 'DDBStreamBatchInfo';
    arrivalTime(ms: number): string;
    /** The stream ARN the record names (a Kinesis consumer ARN names its stream). */
    streamArn(eventSourceArn: string): string;
  };
  /** A job's records without the members every record of the batch shares (packed-records.ts). */
  pack(records: readonly LambdaRecord[]): PackedRecords;
  /** Lambda's records again, for the batch's shard. */
  unpack(shardId: string, packed: PackedRecords): Record<string, unknown>[];
}

/** A source whose messages are received, then deleted on success (services/poller/src/queue). */
export interface QueueSourceProfile<K extends string = string> extends SourceProfileBase<K> {
  readonly model: 'queue';
  /** The `itemIdentifier` a function names a failed record by in batchItemFailures. */
  itemIdentifier(record: LambdaRecord): string | undefined;
}

export type SourceProfile<K extends string = string> = StreamSourceProfile<K> | QueueSourceProfile<K>;
