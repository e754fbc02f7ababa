import { describe, expect, it } from 'vitest';
import type { FunctionDefinition } from '@sluice/shared';
import { rejection as refusal } from '../lambda-api-refusal.js';
import { checkDestinations } from '../../../../../services/api/src/event-invoke-config/destination-rules.js';

const arns = { region: 'us-east-1', account: '000000000000' };
const registered = new Set(['orders', 'audit']);
// A registry fake: only existence matters to the rules.
const functions = { get: async (name: string) => (registered.has(name) ? ({ name } as FunctionDefinition) : undefined) };
const check = (destinations: { onSuccess?: string; onFailure?: string }) => checkDestinations(destinations, { functionName: 'orders', arns, functions });

// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html (aws-facts 3.7)
describe('checkDestinations', () => {
  it('takes SQS queues, SNS topics, another registered function, and S3 buckets on failure', async () => {
    await expect(
      check({ onSuccess: 'arn:aws:sqs:us-east-1:000000000000:done', onFailure: 'arn:aws:sns:us-east-1:000000000000:failed' }),
    ).resolves.toBeUndefined();
    await expect(check({ onSuccess: 'arn:aws:lambda:us-east-1:000000000000:function:audit', onFailure: 'arn:aws:s3:::failed-events' })).resolves.toBeUndefined();
    await expect(check({ onSuccess: 'arn:aws:lambda:us-east-1:000000000000:function:audit:$LATEST' })).resolves.toBeUndefined();
    await expect(check({})).resolves.toBeUndefined();
  });

  it('refuses S3 on success and EventBridge buses with Lambda\'s sentence and the reason', async () => {
    const s3 = await refusal(check({ onSuccess: 'arn:aws:s3:::results' }));
    expect([s3.message, s3.detail]).toEqual([
      'The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=arn:aws:s3:::results), onFailure=null) is invalid.',
      'S3 buckets are supported only for on-failure destinations.',
    ]);
    const bus = await refusal(check({ onFailure: 'arn:aws:events:us-east-1:000000000000:event-bus/default' }));
    expect(bus.message).toBe('The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=arn:aws:events:us-east-1:000000000000:event-bus/default)) is invalid.');
    expect(bus.detail).toBe('Sluice does not deliver to EventBridge event buses.');
    expect((await refusal(check({ onFailure: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' }))).errorType).toBe('InvalidParameterValueException');
  });

  it('a function destination must be another function of this Sluice\'s region and account', async () => {
    expect((await refusal(check({ onFailure: 'arn:aws:lambda:us-east-1:000000000000:function:orders' }))).message).toBe(
      "You can't specify the function as a destination for itself.",
    );
    for (const arn of [
      'arn:aws:lambda:us-east-1:000000000000:function:ghost',
      'arn:aws:lambda:eu-west-1:000000000000:function:audit',
      'arn:aws:lambda:us-east-1:123456789012:function:audit',
      'arn:aws:lambda:us-east-1:000000000000:function:audit:prod',
    ]) {
      expect((await refusal(check({ onSuccess: arn }))).message).toBe(`The destination ARN ${arn} is invalid.`);
    }
  });

  it('refuses what is no ARN with AWS\'s validation sentence', async () => {
    const error = await refusal(check({ onSuccess: 'queue' }));
    expect(error.errorType).toBe('ValidationException');
    expect(error.message).toMatch(/^1 validation error detected: Value 'queue' at 'destinationConfig.onSuccess.destination' failed to satisfy constraint/);
  });
});
