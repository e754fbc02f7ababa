import { ErrorCode, SluiceError } from '@sluice/shared';

/** What a thrown invocation error means for an asynchronous event. */
export type AsyncAttemptError = 'function_missing' | 'refused' | 'throttle' | 'system_error';

interface SdkLike {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Classifies an invocation that threw (function errors are results, never throws). A function that
 * does not exist where the invoker points (FunctionNotFound) is treated like one missing from the
 * registry. Everything else is ours and never the function's error: a Lambda throttle (429,
 * TooManyRequestsException, read from the SDK error the invoker kept as its cause) is a `throttle`;
 * any other fault that may pass (unreachable function, a 5xx from Lambda, a busy Node runtime) is a
 * `system_error`. Both are requeued without spending MaximumRetryAttempts
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). A refusal of
 * ours that will not pass (a non-retryable SluiceError: a Module outside SLUICE_FUNCTIONS_DIR,
 * Lambda refusing the credentials, an invoker type this worker lacks) is `refused`: it spends a
 * retry, so the event ends at OnFailure or in the dead-letter store instead of waiting out its age.
 */
export function classifyAttemptError(error: unknown): AsyncAttemptError {
  if (error instanceof SluiceError && error.code === ErrorCode.FunctionNotFound) return 'function_missing';
  if (error instanceof SluiceError && !error.retryable) return 'refused';
  const cause = (error instanceof Error ? error.cause : undefined) as SdkLike | undefined;
  if (cause?.name === 'TooManyRequestsException' || cause?.$metadata?.httpStatusCode === 429) return 'throttle';
  return 'system_error';
}
