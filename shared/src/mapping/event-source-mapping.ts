import type { MappingState } from './mapping-state.js';
import type { SourceKind } from '../arn/source-arn.js';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/**
 * One stored event-source mapping, in Sluice's own names. The Lambda wire shape
 * (EventSourceMappingConfiguration) is produced from it in services/api.
 * Every optional knob is stored resolved (defaults applied), as Lambda reports them.
 */
export interface EventSourceMapping {
  readonly uuid: string;
  readonly eventSourceArn: string;
  readonly sourceKind: SourceKind;
  /** The function's ARN as resolved at create/update time, with its qualifier if one was given. */
  readonly functionArn: string;
  /** Bare function name: the function registry's key. */
  readonly functionName: string;
  readonly state: MappingState;
  readonly stateTransitionReason: string;
  readonly lastProcessingResult: string;
  /** Epoch milliseconds. */
  readonly lastModified: number;
  readonly enabled: boolean;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly parallelizationFactor: number;
  readonly startingPosition: StartingPosition;
  /** Epoch seconds, only with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: number;
  readonly onFailureDestination?: string;
  readonly maximumRecordAgeInSeconds: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly tumblingWindowInSeconds: number;
  readonly functionResponseTypes: readonly 'ReportBatchItemFailures'[];
  readonly filterPatterns?: readonly string[];
  readonly kmsKeyArn?: string;
  readonly metrics?: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
  /** Optimistic-lock counter: every write is conditional on it. */
  readonly version: number;
}
