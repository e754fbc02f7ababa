import { z } from 'zod';
import { asyncInvocationJobSchema } from '@sluice/shared';

/** The last invocation's answer, kept for the destination record. */
const lastResponseSchema = z.object({
  statusCode: z.number().int(),
  functionError: z.string().optional(),
  payload: z.string(),
});

/** A finished event: its destination record, saved before the first delivery attempt. */
const finishedSchema = z.object({
  condition: z.enum(['Success', 'RetriesExhausted', 'EventAgeExceeded', 'ZeroReservedConcurrency']),
  /** AWS's invocation record, JSON. */
  record: z.string(),
  /** Where it goes: OnSuccess/OnFailure, the dead-letter store (a failure without OnFailure), or nowhere. */
  target: z.enum(['destination', 'dead-letter', 'none']),
  destinationArn: z.string().optional(),
  /** Fixed once: a function destination's request id and an S3 key's suffix, so retries overwrite. */
  deliveryId: z.string(),
  /** Failed delivery attempts so far (the backoff's exponent). */
  deliveries: z.number().int(),
});

/** What the worker keeps in an async invocation's job between attempts (the worker's own part of the job). */
export const asyncProgressSchema = z.object({
  invocations: z.number().int(),
  functionErrors: z.number().int(),
  throttles: z.number().int(),
  lastResponse: lastResponseSchema.optional(),
  finished: finishedSchema.optional(),
});

/** The queued job (shared contract) plus the worker's progress. */
export const asyncJobDataSchema = asyncInvocationJobSchema.extend({ progress: asyncProgressSchema.optional() });

export type AsyncProgress = z.infer<typeof asyncProgressSchema>;
export type FinishedEvent = z.infer<typeof finishedSchema>;
export type AsyncJobData = z.infer<typeof asyncJobDataSchema>;
