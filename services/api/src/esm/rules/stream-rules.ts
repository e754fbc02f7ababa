import type { SourceKind, StartingPosition, StreamMapping, StreamSourceProfile } from '@sluice/shared';
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
 * AT_TIMESTAMP only. Lambda's sentences:
 * - no StartingPosition: the framework's wording, though Lambda checks it (only streams need one);
 * - a position the kind does not take, and a timestamp without AT_TIMESTAMP: recorded on AWS
 *   (test_create_starting_position_validation_exceptions in LocalStack's
 *   tests/aws/services/lambda_/event_source_mapping/test_api.snapshot.json);
 * - AT_TIMESTAMP without a timestamp, or one in the future: not found recorded, inferred.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-StartingPosition
 */
export function resolveStartingPoint(req: CreateMappingRequest, kind: SourceKind, nowMs: number): StartingPoint {
  const { StartingPosition: position, StartingPositionTimestamp: timestamp } = req;
  const profile = sourceProfile(kind);
  if (position === undefined) {
    throw invalidParameter(
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
      `StartingPosition is required for ${profile.title} sources`,
    );
  }
  if (profile.model !== 'stream' || !(profile.startingPositions as readonly string[]).includes(position)) {
    throw invalidParameter(`Unsupported starting position for arn type: ${req.EventSourceArn}`, `a ${profile.title} takes StartingPosition ${profile.model === 'stream' ? profile.startingPositions.join(', ') : 'none'}`);
  }
  if (position === 'AT_TIMESTAMP') {
    if (timestamp === undefined) throw invalidParameter('StartingPositionTimestamp is required when StartingPosition is AT_TIMESTAMP.');
    if (timestamp * 1000 > nowMs) throw invalidParameter('StartingPositionTimestamp cannot be in the future.', `${new Date(timestamp * 1000).toISOString()} is after ${new Date(nowMs).toISOString()}`);
    return { startingPosition: position, startingPositionTimestamp: timestamp };
  }
  if (timestamp !== undefined) throw invalidParameter('Timestamp only valid with StartingPosition AT_TIMESTAMP');
  return { startingPosition: position };
}

/** Applies a Create or Update request over a stream mapping's settings, then checks the rules between fields. */
export function resolveSettings(
  current: MappingSettings,
  req: CreateMappingRequest | UpdateMappingRequest,
  limits: MappingLimits,
  profile: Pick<StreamSourceProfile, 'metrics' | 'title'>,
): MappingSettings {
  const next: MappingSettings = {
    ...resolveCommonSettings(current, req, limits, profile),
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
 * MaximumRecordAgeInSeconds is -1 (infinite) or 60..604800; 0-59 pass the model's range (-1..604800)
 * and are refused by Lambda, in the words AWS answered (hashicorp/terraform-provider-aws#16113).
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-MaximumRecordAgeInSeconds
 */
function checkRecordAge(age: number): void {
  if (age !== -1 && age < 60) {
    throw invalidParameter('MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)', `got ${age}`);
  }
}

const DESTINATION_ARN = /^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$|^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Stream mappings take an on-failure destination (an SQS queue, SNS topic or S3 bucket) and no
 * on-success one. The OnSuccess sentence is LocalStack's (its provider's check, not a recording);
 * Lambda's for a destination of another kind was not found, and its event-invoke-config sentence
 * ("The provided destination config DestinationConfig(...) is invalid.") is taken for it: inferred.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function onFailure(config: DestinationConfigInput): string | undefined {
  if (config.OnSuccess?.Destination) {
    throw invalidParameter('Unsupported DestinationConfig parameter for given event source mapping type.', 'stream mappings take DestinationConfig.OnFailure only, no OnSuccess');
  }
  const destination = config.OnFailure?.Destination;
  if (destination === undefined || destination === '') return undefined;
  if (!DESTINATION_ARN.test(destination)) {
    throw invalidParameter(
      `The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=${destination})) is invalid.`,
      'a stream mapping\'s on-failure destination is an SQS queue, an SNS topic or an S3 bucket',
    );
  }
  return destination;
}
