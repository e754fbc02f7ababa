/**
 * Stable error codes, one catalogue for the whole of Sluice. Errors are classified once, where they
 * enter (an adapter, an invoker), into one of these; loops branch on the code and `retryable`.
 */
export const ErrorCode = {
  ConfigInvalid: 'CONFIG_INVALID',
  // Stream services (sources/*): the adapter maps AWS errors to these.
  SourceThrottled: 'SOURCE_THROTTLED', // ProvisionedThroughputExceeded, LimitExceeded: back off, never a function retry
  SourceTransient: 'SOURCE_TRANSIENT', // network, 5xx, timeouts: back off and try again
  IteratorExpired: 'ITERATOR_EXPIRED', // renew from where we are, never from StartingPosition
  SourceTrimmed: 'SOURCE_TRIMMED', // TrimmedDataAccessException: the data we wanted is gone
  SourceNotFound: 'SOURCE_NOT_FOUND', // the stream (or shard) was deleted
  SourceAccessDenied: 'SOURCE_ACCESS_DENIED', // our credentials may not read it (AccessDenied, KMS access): not retryable as is
  SourceInvalid: 'SOURCE_INVALID', // anything else the service refused: not retryable as is
  // Leases and checkpoints.
  LeaseLost: 'LEASE_LOST', // another process owns the shard now: stop, do not checkpoint
  // Invocation (invokers): function errors spend the mapping's retry budget, transport errors do not.
  FunctionError: 'FUNCTION_ERROR',
  FunctionTimeout: 'FUNCTION_TIMEOUT',
  InvokeTransport: 'INVOKE_TRANSPORT',
  InvokerUnavailable: 'INVOKER_UNAVAILABLE',
  FunctionNotFound: 'FUNCTION_NOT_FOUND',
  // Tumbling windows: another write of the window's state came first; retried (ours, never the function's).
  WindowStateConflict: 'WINDOW_STATE_CONFLICT',
  // On-failure destinations: always retried (with backoff), since the record must not be lost.
  DestinationFailed: 'DESTINATION_FAILED',
  // Event filtering: a FilterCriteria pattern outside Lambda's grammar (refused at Create/Update).
  FilterPatternInvalid: 'FILTER_PATTERN_INVALID',
  // Sluice's own machinery (internal-fault.ts): Redis unreachable or busy is transient; anything
  // else that throws is a fault that retrying the same input cannot mend.
  StoreUnavailable: 'STORE_UNAVAILABLE',
  InternalFault: 'INTERNAL_FAULT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
