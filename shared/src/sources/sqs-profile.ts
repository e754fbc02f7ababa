import { ARN_PARTITION } from './arn-patterns.js';
import type { MappingMember, QueueSourceProfile } from './source-profile.js';

// Queue names: 1-80 of A-Z a-z 0-9 - _, a FIFO queue's ending in .fifo.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html#API_CreateQueue_RequestParameters
const SQS_QUEUE = new RegExp(`^arn:${ARN_PARTITION}:sqs:([a-z0-9-]+):(\\d{12}):([a-zA-Z0-9_-]{1,75}(?:\\.fifo|[a-zA-Z0-9_-]{0,5}))$`);

/**
 * Request members of SQS mappings: no stream member (no starting position, retries, bisect,
 * destinations or windows: a failed message goes back to its queue, whose redrive policy decides).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
 */
const SQS_MEMBERS: ReadonlySet<MappingMember> = new Set<MappingMember>([
  'BatchSize',
  'MaximumBatchingWindowInSeconds',
  'FilterCriteria',
  'FunctionResponseTypes',
  'KMSKeyArn',
  'MetricsConfig',
  'ScalingConfig',
  // SQS provisioned mode (2025-11): https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
  'ProvisionedPollerConfig',
]);

/** Amazon SQS queues, standard and FIFO (arn:aws:sqs:<region>:<account>:<queue name>). */
export const sqsProfile = {
  kind: 'sqs',
  model: 'queue',
  title: 'SQS queue',
  eventSource: 'aws:sqs',
  parseArn(arn) {
    const m = SQS_QUEUE.exec(arn);
    return m === null ? undefined : { region: m[1]!, account: m[2]!, name: m[3]! };
  },
  members: SQS_MEMBERS,
  metrics: ['EventCount'],
  // Recorded on AWS for StartingPosition LATEST with a timestamp and for AT_TIMESTAMP with one
  // (test_create_starting_position_validation_exceptions[sqs] in LocalStack's
  // tests/aws/services/lambda_/event_source_mapping/test_api.snapshot.json); that a timestamp
  // alone gets the same sentence is inferred.
  refusedMemberMessage: (member) =>
    member === 'StartingPosition' || member === 'StartingPositionTimestamp' ? 'StartingPosition is not valid for SQS event sources.' : undefined,
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (BatchSize: default 10)
  defaultBatchSize: 10,
  // SQS mappings say USER_INITIATED where stream mappings say "User action" (LocalStack's
  // AWS-recorded test_sqs_event_source_mapping snapshot; EsmStateReason in its provider).
  userStateTransitionReason: 'USER_INITIATED',
  filterSource: 'sqs',
  event: (records) => ({ Records: records }),
  // https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
  itemIdentifier: (record) => (typeof record['messageId'] === 'string' ? record['messageId'] : undefined),
} as const satisfies QueueSourceProfile<'sqs'>;

/** Whether a queue is FIFO: its name says so (SQS requires the .fifo suffix). */
export function isFifoQueueArn(arn: string): boolean {
  return arn.endsWith('.fifo');
}
