import type { BatchOutcome, StreamBatchJob } from '@sluice/shared';

export interface DispatchResult {
  readonly outcome: BatchOutcome;
  /**
   * The last sequence number the finished job covered. After a takeover the job found under the
   * same id may have been cut differently from the batch we offered: records after this one were
   * not delivered by it and go back to the lane.
   */
  readonly lastSequenceNumber: string;
}

/**
 * Hands a batch to the workers and waits for its final outcome (the seam to BullMQ). While a worker
 * retries the batch, `onProblem` hears what it reports at each failed attempt (a LastProcessingResult
 * such as "PROBLEM: Function call failed").
 */
export interface Dispatcher {
  dispatch(job: StreamBatchJob, signal: AbortSignal, onProblem?: (problem: string) => void): Promise<DispatchResult>;
}
