import { ErrorCode, SluiceError } from '@sluice/shared';

/** Errors of the Invoke API that mean "not now", not "never": Lambda's throttles and its own faults. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([
  'TooManyRequestsException', // 429: throttled (reserved or account concurrency, rate)
  'ResourceConflictException', // 409: the function is not Active yet (Pending, updating)
  'ResourceNotReadyException', // 502: the function is still being created
  'ServiceException', // 500
  'EC2ThrottledException',
  'ENILimitReachedException',
  'SubnetIPAddressLimitReachedException',
  'SnapStartNotReadyException',
  'SnapStartTimeoutException',
  'TimeoutError',
  'AbortError',
]);

interface SdkLikeError {
  readonly name?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Classifies an Invoke call that threw (the SDK throws for every non-200 answer; function errors come
 * back as a 200 with FunctionError, never here). Decided once, here:
 * - the function does not exist at that endpoint/qualifier (ResourceNotFoundException, 404):
 *   FunctionNotFound, not retryable. It is not the code's error and retrying the same call cannot
 *   find it; the processor should treat it as it treats a function missing from Sluice's registry
 *   (spend MaximumRetryAttempts, then the on-failure destination), so records are not held for the
 *   whole retention by a function that is gone. Until it does, a thrown error is retried without
 *   spending the budget, which loses nothing.
 * - throttling (429), Lambda's own faults (5xx), not-ready functions, and network errors or timeouts
 *   (no HTTP status at all): InvokeTransport, retryable, not the function's fault. Lambda's own
 *   mappings retry these until the records expire without spending MaximumRetryAttempts
 *   (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-errors).
 * - any other refusal (403 credentials, 400/413/415 request problems): InvokerUnavailable, not
 *   retryable: our configuration or request is wrong, and the function never ran.
 */
export function classifyLambdaError(error: unknown, functionName: string): SluiceError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkLikeError;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const detail = `${name}${status === undefined ? '' : ` (${status})`}: ${e.message ?? String(error)}`;
  if (name === 'ResourceNotFoundException' || (status === 404 && e.$fault === 'client')) {
    return new SluiceError(ErrorCode.FunctionNotFound, `Lambda function ${functionName} not found: ${detail}`, { retryable: false, cause: error });
  }
  if (TRANSIENT_ERRORS.has(name) || status === undefined || status === 429 || status >= 500) {
    return new SluiceError(ErrorCode.InvokeTransport, `could not invoke Lambda function ${functionName}: ${detail}`, { retryable: true, cause: error });
  }
  return new SluiceError(ErrorCode.InvokerUnavailable, `Lambda refused to invoke ${functionName}: ${detail}`, { retryable: false, cause: error });
}
