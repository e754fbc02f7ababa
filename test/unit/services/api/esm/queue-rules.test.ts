import { describe, expect, it } from 'vitest';
import { queueProfile } from '@sluice/shared';
import { checkVisibilityTimeout, queueDefaults, resolveQueueSettings as resolve, type QueueSettings } from '../../../../../services/api/src/esm/rules/queue-rules.js';
import { refusal } from '../lambda-api-refusal.js';

const resolveQueueSettings = (current: QueueSettings, req: Parameters<typeof resolve>[1], l: { maxFilters: number }, queue: { fifo: boolean }) =>
  resolve(current, req, l, queue, queueProfile('sqs'));

const limits = { maxFilters: 5 };
const standard = { fifo: false };
const fifo = { fifo: true };
const defaults = queueDefaults(queueProfile('sqs'));
const WINDOW_NEEDED = 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10';
const FIFO_WINDOW = 'Batching window is not supported for FIFO queues';

const refused = (req: Parameters<typeof resolveQueueSettings>[1], queue = standard, current: QueueSettings = defaults) =>
  refusal(() => resolveQueueSettings(current, req, limits, queue));

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
describe('queueDefaults', () => {
  it('is what AWS answers for a new SQS mapping: BatchSize 10, no window, no response types, enabled', () => {
    expect(defaults).toEqual({ enabled: true, batchSize: 10, maximumBatchingWindowInSeconds: 0, functionResponseTypes: [] });
    expect(resolveQueueSettings(defaults, {}, limits, standard)).toEqual(defaults);
  });
});

describe('resolveQueueSettings', () => {
  it('wants a window of at least 1 s above BatchSize 10, an explicit 0 counting as none', () => {
    expect(refused({ BatchSize: 11 })).toMatchObject({ errorType: 'InvalidParameterValueException', message: WINDOW_NEEDED, status: 400 });
    expect(refused({ BatchSize: 11, MaximumBatchingWindowInSeconds: 0 }).message).toBe(WINDOW_NEEDED);
    expect(resolveQueueSettings(defaults, { BatchSize: 10, MaximumBatchingWindowInSeconds: 0 }, limits, standard).batchSize).toBe(10);
    expect(resolveQueueSettings(defaults, { BatchSize: 10000, MaximumBatchingWindowInSeconds: 1 }, limits, standard)).toMatchObject({
      batchSize: 10000,
      maximumBatchingWindowInSeconds: 1,
    });
  });

  it('checks the merged settings on Update', () => {
    const windowed = resolveQueueSettings(defaults, { BatchSize: 20, MaximumBatchingWindowInSeconds: 5 }, limits, standard);
    expect(refused({ MaximumBatchingWindowInSeconds: 0 }, standard, windowed).message).toBe(WINDOW_NEEDED);
    expect(refused({ BatchSize: 11 }, standard, defaults).message).toBe(WINDOW_NEEDED);
    expect(resolveQueueSettings(windowed, { BatchSize: 10, MaximumBatchingWindowInSeconds: 0 }, limits, standard)).toMatchObject({
      batchSize: 10,
      maximumBatchingWindowInSeconds: 0,
    });
  });

  it('takes no batching window on a FIFO queue, and so no batch above 10', () => {
    expect(refused({ MaximumBatchingWindowInSeconds: 1 }, fifo).message).toBe(FIFO_WINDOW);
    expect(refused({ BatchSize: 11 }, fifo).message).toBe(WINDOW_NEEDED);
    expect(refused({ BatchSize: 11, MaximumBatchingWindowInSeconds: 1 }, fifo).message).toBe(FIFO_WINDOW);
    // An explicit 0 is no window (recorded on AWS for a FIFO queue with BatchSize 10).
    expect(resolveQueueSettings(defaults, { BatchSize: 10, MaximumBatchingWindowInSeconds: 0 }, limits, fifo).batchSize).toBe(10);
  });

  it('checks the batching rules before the filters', () => {
    expect(refused({ BatchSize: 11, FilterCriteria: { Filters: [{ Pattern: '{"body":' }] } }).message).toBe(WINDOW_NEEDED);
    expect(refused({ FilterCriteria: { Filters: [{ Pattern: '{"body":' }] } }).message).toBe('Invalid filter pattern definition.');
  });

  it('sets ScalingConfig.MaximumConcurrency, keeps it when an update leaves it out, and clears it given an empty one', () => {
    const scaled = resolveQueueSettings(defaults, { ScalingConfig: { MaximumConcurrency: 5 } }, limits, standard);
    expect(scaled.maximumConcurrency).toBe(5);
    expect(resolveQueueSettings(scaled, { BatchSize: 3 }, limits, standard)).toMatchObject({ batchSize: 3, maximumConcurrency: 5 });
    expect(resolveQueueSettings(scaled, { ScalingConfig: {} }, limits, standard)).not.toHaveProperty('maximumConcurrency');
  });

  it('takes ProvisionedPollerConfig with SQS defaults (2 to 200), clears it given an empty one, and refuses it beside ScalingConfig', () => {
    const provisioned = resolveQueueSettings(defaults, { ProvisionedPollerConfig: { MaximumPollers: 4 } }, limits, standard);
    expect(provisioned.provisionedPollers).toEqual({ minimum: 2, maximum: 4 });
    expect(resolveQueueSettings(defaults, { ProvisionedPollerConfig: { MinimumPollers: 5 } }, limits, standard).provisionedPollers).toEqual({ minimum: 5, maximum: 200 });
    expect(resolveQueueSettings(provisioned, { BatchSize: 3 }, limits, standard).provisionedPollers).toEqual({ minimum: 2, maximum: 4 });
    expect(resolveQueueSettings(provisioned, { ProvisionedPollerConfig: {} }, limits, standard)).not.toHaveProperty('provisionedPollers');
    expect(refused({ ProvisionedPollerConfig: { MinimumPollers: 1 } }).message).toBe('MinimumPollers must be at least 2 for Amazon SQS event sources.');
    expect(refused({ ProvisionedPollerConfig: { MinimumPollers: 6, MaximumPollers: 5 } }).message).toBe('MaximumPollers must be greater than or equal to MinimumPollers.');
    expect(refused({ ProvisionedPollerConfig: { PollerGroupName: 'g' } }).message).toBe("Unsupported 'pollerGroupName' parameter for given event source mapping type.");
    const both = refused({ ProvisionedPollerConfig: { MaximumPollers: 4 }, ScalingConfig: { MaximumConcurrency: 5 } });
    expect([both.errorType, both.message]).toEqual(['InvalidParameterValueException', 'ScalingConfig and ProvisionedPollerConfig cannot be specified together.']);
    // Merged: a mapping with a maximum concurrency cannot turn provisioned without clearing it.
    const scaled = resolveQueueSettings(defaults, { ScalingConfig: { MaximumConcurrency: 5 } }, limits, standard);
    expect(refused({ ProvisionedPollerConfig: { MaximumPollers: 4 } }, standard, scaled).message).toMatch(/cannot be specified together/);
    expect(resolveQueueSettings(scaled, { ScalingConfig: {}, ProvisionedPollerConfig: { MaximumPollers: 4 } }, limits, standard)).toMatchObject({ provisionedPollers: { minimum: 2, maximum: 4 } });
  });

  it('takes ReportBatchItemFailures and filters, and keeps them across updates that leave them out', () => {
    const set = resolveQueueSettings(
      defaults,
      { FunctionResponseTypes: ['ReportBatchItemFailures'], FilterCriteria: { Filters: [{ Pattern: '{"body":{"a":[1]}}' }] } },
      limits,
      standard,
    );
    expect(set).toMatchObject({ functionResponseTypes: ['ReportBatchItemFailures'], filterPatterns: ['{"body":{"a":[1]}}'] });
    expect(resolveQueueSettings(set, { Enabled: false }, limits, standard)).toMatchObject({
      enabled: false,
      functionResponseTypes: ['ReportBatchItemFailures'],
      filterPatterns: ['{"body":{"a":[1]}}'],
    });
    expect(resolveQueueSettings(set, { FunctionResponseTypes: [] }, limits, standard).functionResponseTypes).toEqual([]);
  });
});

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
describe('checkVisibilityTimeout', () => {
  it('refuses a visibility timeout shorter than the function timeout, in AWS\'s words', () => {
    expect(refusal(() => checkVisibilityTimeout({ visibilityTimeoutSeconds: 30 }, 60))).toMatchObject({
      errorType: 'InvalidParameterValueException',
      message: 'Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds',
    });
  });

  it('accepts an equal or longer visibility timeout, and one it could not read', () => {
    expect(() => checkVisibilityTimeout({ visibilityTimeoutSeconds: 30 }, 30)).not.toThrow();
    expect(() => checkVisibilityTimeout({ visibilityTimeoutSeconds: 30 }, 3)).not.toThrow();
    expect(() => checkVisibilityTimeout({}, 900)).not.toThrow();
  });
});
