import type { BatchOutcome } from '@sluice/shared';

/**
 * LastProcessingResult as AWS writes it: "OK" after a delivered batch, "PROBLEM: ..." when one was
 * given up on. https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (create/update examples)
 */
export function processingResult(outcome: BatchOutcome): string {
  return outcome.status === 'succeeded' ? 'OK' : 'PROBLEM: Function call failed';
}
