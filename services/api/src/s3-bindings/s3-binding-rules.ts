import { isS3EventType, type S3KeyFilter } from '@sluice/shared';
import { invalidParameter } from '../errors/lambda-api-error.js';
import type { CreateS3BindingRequest } from './s3-binding-request-schemas.js';

/**
 * S3's rules for one configuration's Events and key filter, with S3's own messages (it answers
 * InvalidArgument; the Lambda-shaped API answers InvalidParameterValueException).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
export function checkEvents(events: readonly string[]): string[] {
  const unknown = events.find((e) => !isS3EventType(e));
  if (unknown !== undefined) throw invalidParameter(`The event is not supported for notifications: ${unknown}`);
  return [...new Set(events)];
}

export function toKeyFilter(filter: CreateS3BindingRequest['Filter']): S3KeyFilter {
  const result: { prefix?: string; suffix?: string } = {};
  for (const rule of filter?.Key.FilterRules ?? []) {
    // S3 takes the rule names in any case ("prefix", "Prefix") and answers with them capitalised.
    const name = rule.Name.toLowerCase();
    if (name !== 'prefix' && name !== 'suffix') {
      throw invalidParameter(`filter rule name must be either prefix or suffix: ${rule.Name}`);
    }
    if (result[name] !== undefined) throw invalidParameter(`Cannot specify more than one ${name} rule in a filter.`);
    if (rule.Value === '') throw invalidParameter(`filter value cannot be empty: ${rule.Name}`);
    result[name] = rule.Value;
  }
  return result;
}
