import { ErrorCode, ProcessingResult, type BatchOutcome } from '@sluice/shared';

/**
 * LastProcessingResult as AWS writes it: "OK" after a delivered batch, "PROBLEM: ..." when one was
 * given up on. https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (create/update examples)
 */
export function processingResult(outcome: BatchOutcome): string {
  return outcome.status === 'succeeded' ? ProcessingResult.Ok : ProcessingResult.FunctionCallFailed;
}

/** What a failed read or open of the shard shows on the mapping, by the fault's code and `retryable`. */
export function readProblem(fault: { readonly code: string; readonly retryable: boolean }): string {
  if (fault.code === ErrorCode.SourceAccessDenied) return ProcessingResult.StreamAccessDenied;
  return fault.retryable ? ProcessingResult.StreamReadFailed : ProcessingResult.StreamRecordsUnreadable;
}
