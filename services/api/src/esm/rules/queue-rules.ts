import type { QueueMapping, QueueSourceProfile } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import type { CreateMappingRequest, ProvisionedPollerConfigInput, UpdateMappingRequest } from '../mapping-request-schemas.js';
import { optional, resolveCommonSettings, type CommonSettings, type MappingLimits } from './common-rules.js';

/** The settings a user can change with UpdateEventSourceMapping on a queue mapping, resolved. */
export type QueueSettings = CommonSettings & Pick<QueueMapping, 'maximumConcurrency' | 'provisionedPollers'>;

/** What the API learnt of the queue itself (GetQueueAttributes), for the rules that depend on it. */
export interface QueueFacts {
  /** The queue's VisibilityTimeout in seconds; undefined when it was not read (SLUICE_VALIDATE_SOURCES=false). */
  readonly visibilityTimeoutSeconds?: number;
}

/** What the rules between fields need of the queue: its type, which its name tells. */
export interface QueueType {
  readonly fifo: boolean;
}

/**
 * Defaults AWS reports on a new SQS mapping: BatchSize 10, no batching window, no response types.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 */
export function queueDefaults(profile: QueueSourceProfile): QueueSettings {
  return { enabled: true, batchSize: profile.defaultBatchSize, maximumBatchingWindowInSeconds: 0, functionResponseTypes: [] };
}

/** Above this BatchSize a mapping needs a batching window of at least 1 s. */
const UNWINDOWED_MAX_BATCH_SIZE = 10;

/**
 * Applies a Create or Update request over a queue mapping's settings. The batching rules are
 * checked on the merged settings first, before the filters (LocalStack's order; AWS's is not
 * recorded); ScalingConfig.MaximumConcurrency's range (2-1000) is the schema's, and
 * `ScalingConfig: {}` clears it.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export function resolveQueueSettings(
  current: QueueSettings,
  req: CreateMappingRequest | UpdateMappingRequest,
  limits: MappingLimits,
  queue: QueueType,
  profile: Pick<QueueSourceProfile, 'metrics' | 'title'>,
): QueueSettings {
  checkBatching(req.BatchSize ?? current.batchSize, req.MaximumBatchingWindowInSeconds ?? current.maximumBatchingWindowInSeconds, queue);
  const next: QueueSettings = {
    ...resolveCommonSettings(current, req, limits, profile),
    ...optional('maximumConcurrency', req.ScalingConfig === undefined ? current.maximumConcurrency : req.ScalingConfig.MaximumConcurrency),
    ...optional('provisionedPollers', req.ProvisionedPollerConfig === undefined ? current.provisionedPollers : provisionedPollers(req.ProvisionedPollerConfig)),
  };
  if (next.maximumConcurrency !== undefined && next.provisionedPollers !== undefined) {
    throw invalidParameter(
      'ScalingConfig and ProvisionedPollerConfig cannot be specified together.',
      'maximum concurrency and provisioned mode are mutually exclusive for an SQS mapping; give ScalingConfig: {} or ProvisionedPollerConfig: {} to leave one',
    );
  }
  return next;
}

/** SQS provisioned mode's defaults and floor: MinimumPollers 2 (also its least), MaximumPollers 200. */
const SQS_POLLERS = { minimum: 2, maximum: 200 } as const;

/**
 * ProvisionedPollerConfig on an SQS queue (provisioned mode, 2025-11): MinimumPollers at least 2
 * (the model allows 1, for Kafka), MaximumPollers not below it; PollerGroupName is Kafka's.
 * `{}` leaves provisioned mode, as `ScalingConfig: {}` clears the maximum concurrency. These
 * sentences of Lambda's were not found recorded: inferred. The range and the exclusivity with
 * ScalingConfig are the docs'.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_ProvisionedPollerConfig.html
 */
function provisionedPollers(config: ProvisionedPollerConfigInput): QueueSettings['provisionedPollers'] {
  if (config.PollerGroupName !== undefined) {
    throw invalidParameter("Unsupported 'pollerGroupName' parameter for given event source mapping type.", 'poller groups are for Kafka sources');
  }
  if (config.MinimumPollers === undefined && config.MaximumPollers === undefined) return undefined;
  const minimum = config.MinimumPollers ?? SQS_POLLERS.minimum;
  const maximum = config.MaximumPollers ?? Math.max(SQS_POLLERS.maximum, minimum);
  if (minimum < SQS_POLLERS.minimum) {
    throw invalidParameter('MinimumPollers must be at least 2 for Amazon SQS event sources.', `got ${minimum}`);
  }
  if (maximum < minimum) {
    throw invalidParameter('MaximumPollers must be greater than or equal to MinimumPollers.', `MinimumPollers ${minimum}, MaximumPollers ${maximum}`);
  }
  return { minimum, maximum };
}

/**
 * - FIFO queues take no batching window: the sentence of AWS's parameter table
 *   (services-sqs-parameters.html), also reported from AWS through CloudFormation
 *   (aws/aws-lambda-dotnet#1758); no recording of the API's answer was found.
 * - Above BatchSize 10 a window of at least 1 s is needed, on Create and on Update: recorded on
 *   AWS for both (test_event_source_mapping_default_batch_size in LocalStack's
 *   tests/aws/services/lambda_/event_source_mapping/test_lambda_integration_sqs.snapshot.json).
 *   That an explicit window of 0 counts as none follows the API reference ("you must set
 *   MaximumBatchingWindowInSeconds to at least 1"), not a recording.
 * So a FIFO queue's batches are at most 10 (services-sqs-parameters.html); AWS's sentence for a
 * larger one is not known, and it gets the window sentence (with a window, the FIFO one).
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-MaximumBatchingWindowInSeconds
 */
function checkBatching(batchSize: number, windowSeconds: number, queue: QueueType): void {
  if (queue.fifo && windowSeconds > 0) {
    throw invalidParameter('Batching window is not supported for FIFO queues');
  }
  if (batchSize > UNWINDOWED_MAX_BATCH_SIZE && windowSeconds < 1) {
    throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
}

/**
 * Lambda refuses a queue whose visibility timeout is shorter than the function's timeout (equal is
 * fine: "Your function's timeout must be less than or equal to the queue's visibility timeout"), on
 * Create and on every Update: a message would come back while its batch still runs. AWS recommends
 * six times the function timeout plus the batching window. The sentence is AWS's as users quote it
 * (hashicorp/terraform-provider-aws#18099, winglang/wing#1507); LocalStack has no recording of it.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function checkVisibilityTimeout(queue: QueueFacts, functionTimeoutSeconds: number): void {
  const visibility = queue.visibilityTimeoutSeconds;
  if (visibility !== undefined && visibility < functionTimeoutSeconds) {
    throw invalidParameter(
      `Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${functionTimeoutSeconds} seconds`,
      'AWS recommends a visibility timeout of six times the function timeout plus the batching window',
    );
  }
}
