import type { QueueMapping, QueueSourceProfile } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import type { CreateMappingRequest, UpdateMappingRequest } from '../mapping-request-schemas.js';
import { optional, resolveCommonSettings, type CommonSettings, type MappingLimits } from './common-rules.js';

/** The settings a user can change with UpdateEventSourceMapping on a queue mapping, resolved. */
export type QueueSettings = CommonSettings & Pick<QueueMapping, 'maximumConcurrency'>;

/** What the API learnt of the queue itself (GetQueueAttributes), for the rules that depend on it. */
export interface QueueFacts {
  readonly fifo: boolean;
  /** The queue's VisibilityTimeout in seconds; undefined when it was not read (SLUICE_VALIDATE_SOURCES=false). */
  readonly visibilityTimeoutSeconds?: number;
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
 * Applies a Create or Update request over a queue mapping's settings, then checks the rules
 * between fields and against the queue (both sentences as recorded on AWS):
 * - FIFO queues take no batching window;
 * - above BatchSize 10 a batching window of at least 1 s is needed (an explicit 0 does not count),
 *   on Update too; so a FIFO queue's batches are at most 10;
 * - ScalingConfig.MaximumConcurrency 2-1000 (the schema's range); `ScalingConfig: {}` clears it.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
 */
export function resolveQueueSettings(
  current: QueueSettings,
  req: CreateMappingRequest | UpdateMappingRequest,
  limits: MappingLimits,
  queue: QueueFacts,
): QueueSettings {
  const next: QueueSettings = {
    ...resolveCommonSettings(current, req, limits),
    ...optional('maximumConcurrency', req.ScalingConfig === undefined ? current.maximumConcurrency : req.ScalingConfig.MaximumConcurrency),
  };
  if (queue.fifo && next.maximumBatchingWindowInSeconds > 0) {
    throw invalidParameter('Batching window is not supported for FIFO queues');
  }
  if (next.batchSize > UNWINDOWED_MAX_BATCH_SIZE && next.maximumBatchingWindowInSeconds < 1) {
    throw invalidParameter('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
  }
  return next;
}

/**
 * Lambda refuses a queue whose visibility timeout is shorter than the function's timeout (equal is
 * fine), on Create and on every Update: a message would come back while its batch still runs.
 * AWS recommends six times the function timeout plus the batching window.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
 */
export function checkVisibilityTimeout(queue: QueueFacts, functionTimeoutSeconds: number): void {
  const visibility = queue.visibilityTimeoutSeconds;
  if (visibility !== undefined && visibility < functionTimeoutSeconds) {
    throw invalidParameter(`Queue visibility timeout: ${visibility} seconds is less than Function timeout: ${functionTimeoutSeconds} seconds`);
  }
}
