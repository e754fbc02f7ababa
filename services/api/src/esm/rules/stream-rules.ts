import type { SourceKind, StartingPosition, StreamMapping } from '@sluice/shared';
import { sourceProfile } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import type { CreateMappingRequest, DestinationConfigInput, UpdateMappingRequest } from '../mapping-request-schemas.js';
import { optional, resolveCommonSettings, type CommonSettings, type MappingLimits } from './common-rules.js';

export type { MappingLimits } from './common-rules.js';

/** The settings a user can change with UpdateEventSourceMapping on a stream mapping, resolved. */
export type MappingSettings = CommonSettings &
  Pick<StreamMapping, 'parallelizationFactor' | 'onFailureDestination' | 'maximumRecordAgeInSeconds' | 'bisectBatchOnFunctionError' | 'maximumRetryAttempts' | 'tumblingWindowInSeconds'>;

/**
 * Stream defaults as AWS reports them on a new Kinesis or DynamoDB mapping (BatchSize 100 from the
 * kinds' profiles; MaximumRetryAttempts and MaximumRecordAgeInSeconds -1, infinite).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-params
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
 * StartingPosition is required for streams; AT_TIMESTAMP is Kinesis-only (the kind's profile lists
 * its positions), needs a timestamp that is not in the future, and a timestamp goes with
 * AT_TIMESTAMP only.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-StartingPosition
 */
export function resolveStartingPoint(req: CreateMappingRequest, kind: SourceKind, nowMs: number): StartingPoint {
  const { StartingPosition: position, StartingPositionTimestamp: timestamp } = req;
  if (position === undefined) {
    throw invalidParameter('1 validation error detected: Value null at \'startingPosition\' failed to satisfy constraint: Member must not be null (StartingPosition is required for Kinesis and DynamoDB Streams sources)');
  }
  const profile = sourceProfile(kind);
  if (profile.model !== 'stream' || !(profile.startingPositions as readonly string[]).includes(position)) {
    throw invalidParameter(`Unsupported starting position for arn type: ${req.EventSourceArn}`);
  }
  if (position === 'AT_TIMESTAMP') {
    if (timestamp === undefined) throw invalidParameter('StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP.');
    if (timestamp * 1000 > nowMs) throw invalidParameter('StartingPositionTimestamp cannot be in the future.');
    return { startingPosition: position, startingPositionTimestamp: timestamp };
  }
  if (timestamp !== undefined) {
    throw invalidParameter('StartingPositionTimestamp can only be given when StartingPosition is AT_TIMESTAMP.');
  }
  return { startingPosition: position };
}

/** Applies a Create or Update request over a stream mapping's settings, then checks the rules between fields. */
export function resolveSettings(current: MappingSettings, req: CreateMappingRequest | UpdateMappingRequest, limits: MappingLimits): MappingSettings {
  const next: MappingSettings = {
    ...resolveCommonSettings(current, req, limits),
    parallelizationFactor: req.ParallelizationFactor ?? current.parallelizationFactor,
    maximumRecordAgeInSeconds: req.MaximumRecordAgeInSeconds ?? current.maximumRecordAgeInSeconds,
    bisectBatchOnFunctionError: req.BisectBatchOnFunctionError ?? current.bisectBatchOnFunctionError,
    maximumRetryAttempts: req.MaximumRetryAttempts ?? current.maximumRetryAttempts,
    tumblingWindowInSeconds: req.TumblingWindowInSeconds ?? current.tumblingWindowInSeconds,
    ...optional('onFailureDestination', req.DestinationConfig === undefined ? current.onFailureDestination : onFailure(req.DestinationConfig)),
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
