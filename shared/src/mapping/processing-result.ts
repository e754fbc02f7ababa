/**
 * What a stream mapping's LastProcessingResult says. AWS documents "OK" and "PROBLEM: Function call
 * failed" (the create and update examples of https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * and with-ddb.html) and no sentence for a stream that cannot be read; the others here are Sluice's,
 * in the same "PROBLEM: ..." form. The poller writes them; the worker names FunctionCallFailed on a
 * batch it retries.
 */
export const ProcessingResult = {
  Ok: 'OK',
  /** A batch keeps failing (function errors, the function unreachable or throttled), or was given up on. */
  FunctionCallFailed: 'PROBLEM: Function call failed',
  StreamNotFound: 'PROBLEM: Stream not found',
  RecordsTrimmed: 'PROBLEM: Records were trimmed from the stream before they were processed',
  /** Reads keep failing on faults that may pass (the service unreachable, 5xx, throttled, timeouts). */
  StreamReadFailed: 'PROBLEM: Stream read failed',
  /** Our credentials may not read the stream (AccessDenied, KMS access). */
  StreamAccessDenied: 'PROBLEM: Access denied to the stream',
  /** A read the service refused, or records Sluice cannot build Lambda's records from. */
  StreamRecordsUnreadable: 'PROBLEM: Stream records could not be read',
} as const;

export type ProcessingResult = (typeof ProcessingResult)[keyof typeof ProcessingResult];
