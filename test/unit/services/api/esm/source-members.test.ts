import { describe, expect, it } from 'vitest';
import { sourceProfile } from '@sluice/shared';
import { refuseUnsupportedMembers, unsupportedMemberMessage } from '../../../../../services/api/src/esm/rules/source-members.js';
import { refusal } from '../lambda-api-refusal.js';

const sqsProfile = sourceProfile('sqs');
/** The members every Create names, for the requests that carry a Create-only member. */
const create = { FunctionName: 'f', EventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q' };
const at = Date.now() / 1000 - 60;
const unsupported = (member: string) => `Unsupported '${member}' parameter for given event source mapping type.`;
const STARTING_POSITION = 'StartingPosition is not valid for SQS event sources.';

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
describe('refuseUnsupportedMembers on an SQS queue', () => {
  it('takes the members AWS lists for SQS', () => {
    expect(() =>
      refuseUnsupportedMembers(
        {
          BatchSize: 100,
          MaximumBatchingWindowInSeconds: 5,
          FilterCriteria: { Filters: [] },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          KMSKeyArn: '',
          MetricsConfig: { Metrics: ['EventCount'] },
          ScalingConfig: { MaximumConcurrency: 2 },
          Enabled: true,
          FunctionName: 'f',
        },
        sqsProfile,
      ),
    ).not.toThrow();
  });

  it('refuses StartingPosition and StartingPositionTimestamp with the sentence recorded on AWS', () => {
    expect(refusal(() => refuseUnsupportedMembers({ ...create, StartingPosition: 'LATEST' }, sqsProfile))).toMatchObject({
      errorType: 'InvalidParameterValueException',
      message: STARTING_POSITION,
    });
    expect(refusal(() => refuseUnsupportedMembers({ ...create, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: at }, sqsProfile)).message).toBe(STARTING_POSITION);
    expect(refusal(() => refuseUnsupportedMembers({ ...create, StartingPositionTimestamp: at }, sqsProfile)).message).toBe(STARTING_POSITION);
  });

  it.each([
    ['ParallelizationFactor', { ParallelizationFactor: 1 }, 'parallelizationFactor'],
    ['BisectBatchOnFunctionError (false too)', { BisectBatchOnFunctionError: false }, 'bisectBatchOnFunctionError'],
    ['MaximumRetryAttempts (0 too)', { MaximumRetryAttempts: 0 }, 'maximumRetryAttempts'],
    ['MaximumRecordAgeInSeconds', { MaximumRecordAgeInSeconds: -1 }, 'maximumRecordAgeInSeconds'],
    ['TumblingWindowInSeconds (0 too)', { TumblingWindowInSeconds: 0 }, 'tumblingWindowInSeconds'],
    ['DestinationConfig (empty too)', { DestinationConfig: {} }, 'destinationConfig'],
  ])('refuses %s with Lambda\'s generic sentence', (_name, req, member) => {
    expect(refusal(() => refuseUnsupportedMembers(req, sqsProfile))).toMatchObject({ errorType: 'InvalidParameterValueException', message: unsupported(member) });
  });

  it('names the first refused member in the API\'s order', () => {
    expect(refusal(() => refuseUnsupportedMembers({ ...create, TumblingWindowInSeconds: 30, StartingPosition: 'LATEST', ParallelizationFactor: 2 }, sqsProfile)).message).toBe(
      STARTING_POSITION,
    );
    expect(refusal(() => refuseUnsupportedMembers({ TumblingWindowInSeconds: 30, MaximumRetryAttempts: 2 }, sqsProfile)).message).toBe(unsupported('maximumRetryAttempts'));
  });
});

describe('refuseUnsupportedMembers on a stream', () => {
  it('refuses ScalingConfig on Kinesis and DynamoDB streams, and takes the stream members', () => {
    for (const profile of [sourceProfile('kinesis'), sourceProfile('dynamodb')]) {
      expect(refusal(() => refuseUnsupportedMembers({ ScalingConfig: { MaximumConcurrency: 2 } }, profile)).message).toBe(unsupported('scalingConfig'));
      expect(() =>
        refuseUnsupportedMembers(
          { ...create, StartingPosition: 'LATEST', ParallelizationFactor: 2, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 1, TumblingWindowInSeconds: 30, DestinationConfig: {} },
          profile,
        ),
      ).not.toThrow();
    }
  });
});

describe('refuseUnsupportedMembers: the 2024+ members and those of sources Sluice does not map', () => {
  it('takes ProvisionedPollerConfig on SQS only, and refuses LoggingConfig (Kafka\'s) and Kafka, MQ and DocumentDB members everywhere', () => {
    expect(() => refuseUnsupportedMembers({ ProvisionedPollerConfig: { MaximumPollers: 3 } }, sqsProfile)).not.toThrow();
    for (const profile of [sourceProfile('kinesis'), sourceProfile('dynamodb'), sourceProfile('kinesis-consumer')]) {
      const error = refusal(() => refuseUnsupportedMembers({ ProvisionedPollerConfig: { MaximumPollers: 3 } }, profile));
      expect([error.message, error.detail]).toEqual([unsupported('provisionedPollerConfig'), `a ${profile.title} mapping does not take ProvisionedPollerConfig`]);
    }
    for (const profile of [sqsProfile, sourceProfile('kinesis')]) {
      expect(refusal(() => refuseUnsupportedMembers({ LoggingConfig: { SystemLogLevel: 'INFO' } }, profile)).message).toBe(unsupported('loggingConfig'));
      expect(refusal(() => refuseUnsupportedMembers({ ...create, Topics: ['t'] }, profile)).message).toBe(unsupported('topics'));
      expect(refusal(() => refuseUnsupportedMembers({ SourceAccessConfigurations: [] }, profile)).message).toBe(unsupported('sourceAccessConfigurations'));
      expect(refusal(() => refuseUnsupportedMembers({ DocumentDBEventSourceConfig: {} }, profile)).message).toBe(unsupported('documentDBEventSourceConfig'));
    }
  });
});

describe('unsupportedMemberMessage', () => {
  it('writes the member in lower camel case, as AWS does', () => {
    expect(unsupportedMemberMessage('MaximumBatchingWindowInSeconds')).toBe(unsupported('maximumBatchingWindowInSeconds'));
  });
});
