import { describe, expect, it } from 'vitest';
import { streamProfile } from '@sluice/shared';
import { STREAM_DEFAULTS, resolveSettings as resolve, resolveStartingPoint, type MappingSettings } from '../../../../../services/api/src/esm/rules/stream-rules.js';
import { refusal } from '../lambda-api-refusal.js';

const resolveSettings = (current: MappingSettings, req: Parameters<typeof resolve>[1], l: { maxFilters: number }) => resolve(current, req, l, streamProfile('kinesis'));

const limits = { maxFilters: 5 };
const now = Date.UTC(2026, 0, 1);
const kinesisArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
const base = { FunctionName: 'f', EventSourceArn: kinesisArn };

// https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (aws-facts 1.3)
describe('resolveStartingPoint', () => {
  it('requires a StartingPosition for streams, in the framework\'s words though Lambda checks it', () => {
    const error = refusal(() => resolveStartingPoint(base, 'kinesis', now));
    expect([error.errorType, error.message, error.detail]).toEqual([
      'InvalidParameterValueException',
      "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.",
      'StartingPosition is required for Kinesis stream sources',
    ]);
  });

  it('takes AT_TIMESTAMP on Kinesis only, with a timestamp not in the future', () => {
    const at = now / 1000 - 10;
    expect(resolveStartingPoint({ ...base, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: at }, 'kinesis', now)).toEqual({
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: at,
    });
    expect(refusal(() => resolveStartingPoint({ ...base, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: at }, 'dynamodb', now)).message).toBe(
      `Unsupported starting position for arn type: ${kinesisArn}`,
    );
    expect(refusal(() => resolveStartingPoint({ ...base, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: now / 1000 + 5 }, 'kinesis', now)).message).toMatch(/future/);
    expect(refusal(() => resolveStartingPoint({ ...base, StartingPosition: 'LATEST', StartingPositionTimestamp: at }, 'kinesis', now)).message).toBe(
      'Timestamp only valid with StartingPosition AT_TIMESTAMP',
    );
  });
});

describe('resolveSettings', () => {
  it('keeps the stream defaults AWS reports when nothing is given', () => {
    expect(resolveSettings(STREAM_DEFAULTS, base, limits)).toEqual(STREAM_DEFAULTS);
  });

  it('accepts MaximumRecordAgeInSeconds -1 and 60..604800 only', () => {
    expect(resolveSettings(STREAM_DEFAULTS, { MaximumRecordAgeInSeconds: -1 }, limits).maximumRecordAgeInSeconds).toBe(-1);
    expect(resolveSettings(STREAM_DEFAULTS, { MaximumRecordAgeInSeconds: 60 }, limits).maximumRecordAgeInSeconds).toBe(60);
    for (const age of [0, 1, 59]) {
      const error = refusal(() => resolveSettings(STREAM_DEFAULTS, { MaximumRecordAgeInSeconds: age }, limits));
      expect([error.message, error.detail]).toEqual(['MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)', `got ${age}`]);
    }
  });

  it('takes SQS, SNS and S3 on-failure destinations and refuses OnSuccess', () => {
    for (const arn of ['arn:aws:sqs:us-east-1:123456789012:q', 'arn:aws:sns:us-east-1:123456789012:t', 'arn:aws:s3:::my-bucket']) {
      expect(resolveSettings(STREAM_DEFAULTS, { DestinationConfig: { OnFailure: { Destination: arn } } }, limits).onFailureDestination).toBe(arn);
    }
    expect(refusal(() => resolveSettings(STREAM_DEFAULTS, { DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:123456789012:function:f' } } }, limits)).errorType).toBe('InvalidParameterValueException');
    const onSuccess = refusal(() => resolveSettings(STREAM_DEFAULTS, { DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:us-east-1:123456789012:q' } } }, limits));
    expect([onSuccess.message, onSuccess.detail]).toEqual(['Unsupported DestinationConfig parameter for given event source mapping type.', 'stream mappings take DestinationConfig.OnFailure only, no OnSuccess']);
  });

  it('clears a destination or filters given empty, and keeps them when absent', () => {
    const set = resolveSettings(STREAM_DEFAULTS, { DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:123456789012:q' } }, FilterCriteria: { Filters: [{ Pattern: '{"a":[1]}' }] } }, limits);
    expect(resolveSettings(set, { BatchSize: 7 }, limits)).toMatchObject({ batchSize: 7, onFailureDestination: set.onFailureDestination, filterPatterns: ['{"a":[1]}'] });
    const cleared = resolveSettings(set, { DestinationConfig: { OnFailure: {} }, FilterCriteria: {} }, limits);
    expect(cleared.onFailureDestination).toBeUndefined();
    expect(cleared.filterPatterns).toBeUndefined();
  });

  it('counts filters against the limit and wants each pattern to be a JSON object', () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ Pattern: `{"k":[${i}]}` }));
    expect(resolveSettings(STREAM_DEFAULTS, { FilterCriteria: { Filters: five } }, limits).filterPatterns).toHaveLength(5);
    expect(refusal(() => resolveSettings(STREAM_DEFAULTS, { FilterCriteria: { Filters: [...five, { Pattern: '{}' }] } }, limits)).detail).toMatch(/6 filters; at most 5/);
    expect(resolveSettings(STREAM_DEFAULTS, { FilterCriteria: { Filters: [...five, { Pattern: '{}' }] } }, { maxFilters: 10 }).filterPatterns).toHaveLength(6);
    for (const pattern of ['nope', '[1]', '"s"', 'null']) {
      expect(refusal(() => resolveSettings(STREAM_DEFAULTS, { FilterCriteria: { Filters: [{ Pattern: pattern }] } }, limits)).message).toBe('Invalid filter pattern definition.');
    }
  });

  it('refuses patterns outside Lambda\'s filter grammar in Lambda\'s sentence, naming the filter and the fault in the detail (engine = single source of truth)', () => {
    const refused = (pattern: string) =>
      refusal(() => resolveSettings(STREAM_DEFAULTS, { FilterCriteria: { Filters: [{ Pattern: '{"a":["x"]}' }, { Pattern: pattern }] } }, limits));
    expect(refused('{"a":"x"}').message).toBe('Invalid filter pattern definition.');
    expect(refused('{"a":"x"}').detail).toBe('Filters[1].Pattern: "a" must be an object or an array; found "x" (put the values to match in an array, e.g. ["x"])');
    expect(refused('{"a":[{"numeric":[">","1"]}]}').detail).toMatch(/Filters\[1\]\.Pattern: "a": numeric: Value of > must be numeric/);
    expect(refused('{"a":[{"exists":"yes"}]}').errorType).toBe('InvalidParameterValueException');
  });

  it('takes EventCount metrics and refuses the Kafka ones (ErrorCount, KafkaMetrics) on a stream mapping', () => {
    expect(resolveSettings(STREAM_DEFAULTS, { MetricsConfig: { Metrics: ['EventCount'] } }, limits).metrics).toEqual(['EventCount']);
    for (const metric of ['KafkaMetrics', 'ErrorCount'] as const) {
      const error = refusal(() => resolveSettings(STREAM_DEFAULTS, { MetricsConfig: { Metrics: ['EventCount', metric] } }, limits));
      expect([error.message, error.detail]).toEqual([
        "Unsupported 'metricsConfig' parameter for given event source mapping type.",
        `a Kinesis stream mapping takes MetricsConfig EventCount; ${metric} are for Kafka sources (Amazon MSK, self-managed Apache Kafka)`,
      ]);
    }
  });
});
