import { z } from 'zod';

/** The BullMQ queue that carries asynchronous (Event) invocations from the API and the S3 ingress to workers. */
export const ASYNC_INVOCATION_QUEUE = 'async-invocations';

/** Where an async invocation came from: the Invoke API (InvocationType Event) or an S3 notification. */
export const asyncInvocationOriginSchema = z.enum(['invoke', 's3']);

/**
 * One asynchronous invocation as a BullMQ job: Lambda queues the event, answers 202 and runs it later
 * with its async semantics (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html).
 * Parsed with zod where the worker takes it off the queue.
 */
export const asyncInvocationJobSchema = z.object({
  /**
   * Unique per event, and the BullMQ job id: enqueueing the same requestId again while the job is
   * kept adds nothing (the S3 ingress derives it from the notification so SNS re-deliveries run once).
   */
  requestId: z.string().min(1),
  /** The function's unqualified name in Sluice's registry. */
  functionName: z.string().min(1),
  /** The qualifier the caller named; `$LATEST` is the only one this build runs. */
  qualifier: z.string().default('$LATEST'),
  /** The event, serialised once (the Invoke API's payload bytes, or the S3 event JSON). */
  payload: z.string(),
  /** Epoch ms when Sluice accepted the event; MaximumEventAgeInSeconds counts from here. */
  acceptedAt: z.number().int(),
  origin: asyncInvocationOriginSchema,
});

export type AsyncInvocationJob = z.infer<typeof asyncInvocationJobSchema>;
export type AsyncInvocationJobInput = z.input<typeof asyncInvocationJobSchema>;
