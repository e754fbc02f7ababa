import { z } from 'zod';
import { DEFAULT_ASYNC_MAX_EVENT_AGE_SECONDS } from '@sluice/shared';

/** `Destination` is an ARN of at most 350 characters, or empty for none. */
const destination = z.strictObject({ Destination: z.string().max(350).optional() });

/**
 * The body of PutFunctionEventInvokeConfig and UpdateFunctionEventInvokeConfig, with Lambda's ranges:
 * MaximumRetryAttempts 0-2, MaximumEventAgeInSeconds 60-21600.
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
 */
export const eventInvokeConfigRequest = z.strictObject({
  MaximumRetryAttempts: z.number().int().min(0).max(2).optional(),
  MaximumEventAgeInSeconds: z.number().int().min(60).max(DEFAULT_ASYNC_MAX_EVENT_AGE_SECONDS).optional(),
  DestinationConfig: z.strictObject({ OnSuccess: destination.optional(), OnFailure: destination.optional() }).optional(),
});

export type EventInvokeConfigRequest = z.infer<typeof eventInvokeConfigRequest>;

/** ListFunctionEventInvokeConfigs: MaxItems 1-50. */
export const listEventInvokeConfigsQuery = z.strictObject({
  Marker: z.string().min(1).optional(),
  MaxItems: z.coerce.number().int().min(1).max(50).optional(),
});
