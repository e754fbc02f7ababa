import { ErrorCode, SluiceError } from '@sluice/shared';

// Kinesis, DynamoDB Streams and SQS throttling: back off, never spend a function retry.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html#API_streams_GetRecords_Errors
const THROTTLED = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'KMSThrottlingException',
  'RequestThrottled',
]);

// Faults of the moment, on the service side or between us: try again after a pause.
// ResourceInUseException is here because SubscribeToShard answers it for a second subscription within
// 5 seconds of the last one on the same shard and consumer: the same call works a little later.
// https://docs.aws.amazon.com/kinesis/latest/APIReference/API_SubscribeToShard.html
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ResourceInUseException',
  'AbortError',
]);

// Node system error codes of a connection that failed or broke.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
]);

const BY_NAME: Readonly<Record<string, ErrorCode>> = {
  ExpiredIteratorException: ErrorCode.IteratorExpired,
  TrimmedDataAccessException: ErrorCode.SourceTrimmed,
  ResourceNotFoundException: ErrorCode.SourceNotFound,
  // SQS: the queue was deleted (JSON protocol name, and the query protocol's older one).
  // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html#API_ReceiveMessage_Errors
  QueueDoesNotExist: ErrorCode.SourceNotFound,
  'AWS.SimpleQueueService.NonExistentQueue': ErrorCode.SourceNotFound,
  // Our credentials may not read the stream or decrypt its records: reported, not retried at speed.
  // https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors
  // https://docs.aws.amazon.com/kinesis/latest/APIReference/CommonErrors.html
  AccessDeniedException: ErrorCode.SourceAccessDenied,
  KMSAccessDeniedException: ErrorCode.SourceAccessDenied,
  UnrecognizedClientException: ErrorCode.SourceAccessDenied,
  ExpiredTokenException: ErrorCode.SourceAccessDenied,
};

const RETRYABLE = new Set<ErrorCode>([ErrorCode.SourceThrottled, ErrorCode.SourceTransient, ErrorCode.IteratorExpired]);

interface ErrorFields {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: { readonly throttling?: unknown };
  readonly cause?: unknown;
}

/**
 * Maps an error thrown by an AWS SDK call on a stream or queue to a SluiceError, once, where it enters
 * (style.md: errors are data). It reads the error's name, `$fault`, `$metadata` and Node's `code`,
 * never its message. A SluiceError passes through unchanged.
 *
 * @example
 * try { await kinesis.send(command) } catch (error) { throw classifyAwsError(error, 'Kinesis GetRecords') }
 */
export function classifyAwsError(error: unknown, operation: string): SluiceError {
  if (error instanceof SluiceError) return error;
  const code = classify(error);
  return new SluiceError(code, `${operation}: ${describe(error)}`, { retryable: RETRYABLE.has(code), cause: error });
}

/**
 * Runs one AWS call and classifies what it throws. An abort the caller asked for is not a fault of
 * the stream: the signal's reason is thrown as it is.
 */
export async function callAws<T>(operation: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw classifyAwsError(error, operation);
  }
}

function classify(error: unknown): ErrorCode {
  const fields = fieldsOf(error);
  const name = typeof fields.name === 'string' ? fields.name : '';
  const known = BY_NAME[name];
  if (known !== undefined) return known;
  if (THROTTLED.has(name) || fields.$retryable?.throttling === true) return ErrorCode.SourceThrottled;
  if (TRANSIENT_NAMES.has(name) || fields.$fault === 'server' || isNetworkError(error)) return ErrorCode.SourceTransient;
  // kinesis-local and moto answer HTTP 500 to an iterator they cannot read, sometimes with a body the
  // SDK cannot even parse (a SyntaxError with $metadata): any 5xx is the service's fault.
  const status = fields.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) return ErrorCode.SourceTransient;
  return ErrorCode.SourceInvalid;
}

/** A Node system error on the connection, possibly wrapped as the cause of another error. */
function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    const fields = fieldsOf(current);
    if (typeof fields.code === 'string' && NETWORK_CODES.has(fields.code)) return true;
    current = fields.cause;
  }
  return false;
}

function fieldsOf(error: unknown): ErrorFields {
  return typeof error === 'object' && error !== null ? (error as ErrorFields) : {};
}

function describe(error: unknown): string {
  const fields = fieldsOf(error);
  const name = typeof fields.name === 'string' ? fields.name : 'Error';
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  return `${name}: ${message}`;
}
