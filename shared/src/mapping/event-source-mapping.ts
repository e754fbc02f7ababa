import type { MappingState } from './mapping-state.js';
import type { QueueSourceKind, StreamSourceKind } from '../sources/source-kinds.js';
import type { MappingMetric } from '../sources/source-profile.js';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/** What every mapping has, whatever its source. */
interface MappingCommon {
  readonly uuid: string;
  readonly eventSourceArn: string;
  /** The function's ARN as resolved at create/update time, with its qualifier if one was given. */
  readonly functionArn: string;
  /** Bare function name: the function registry's key. */
  readonly functionName: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  /** What the last batch came to ("OK", "PROBLEM: ..."); Lambda reports it for stream mappings only. */
  readonly lastProcessingResult: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly enabled: boolean;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly functionResponseTypes: readonly 'ReportBatchItemFailures'[];
  readonly filterPatterns?: readonly string[];
  readonly kmsKeyArn?: string;
  /** MetricsConfig.Metrics: with EventCount, the mapping's event counts are exported on /metrics. */
  readonly metrics?: readonly MappingMetric[];
  /** Optimistic-lock counter: every write is conditional on it. */
  readonly version: number;
}

/** A Kinesis or DynamoDB Streams mapping: read in order per shard, checkpointed, retried in place. */
export interface StreamMapping extends MappingCommon {
  readonly sourceModel: 'stream';
  readonly sourceKind: StreamSourceKind;
  readonly parallelizationFactor: number;
  readonly startingPosition: StartingPosition;
  /** Epoch seconds, only with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: number;
  readonly onFailureDestination?: string;
  readonly maximumRecordAgeInSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly tumblingWindowInSeconds: number;
}

/**
 * An SQS mapping: messages are received, deleted once the function succeeded, and otherwise left
 * to come back after their visibility timeout (the queue's redrive policy is its failure handling).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export interface QueueMapping extends MappingCommon {
  readonly sourceModel: 'queue';
  readonly sourceKind: QueueSourceKind;
  /** ScalingConfig.MaximumConcurrency: concurrent invocations across every poller, 2-1000; unset = Lambda's own limit. */
  readonly maximumConcurrency?: number;
  /**
   * ProvisionedPollerConfig (provisioned mode): MaximumPollers caps the receive loops each process
   * runs for the mapping; MinimumPollers is kept and echoed. Exclusive with maximumConcurrency.
   */
  readonly provisionedPollers?: { readonly minimum: number; readonly maximum: number };
}

/**
 * One stored event-source mapping, in Sluice's own names, by source model: a member only one model
 * has (StartingPosition, destinations, ScalingConfig, ...) does not exist on the other. The Lambda
 * wire shape (EventSourceMappingConfiguration) is produced from it in services/api.
 * Every optional knob is stored resolved (defaults applied), as Lambda reports them.
 */
export type EventSourceMapping = StreamMapping | QueueMapping;

export function isStreamMapping(mapping: EventSourceMapping): mapping is StreamMapping {
  return mapping.sourceModel === 'stream';
}
