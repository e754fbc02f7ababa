import { z } from 'zod';

/**
 * What a function's response says about its batch under ReportBatchItemFailures:
 * complete success, a partial failure from the record at `index` (the lowest failed sequence
 * number) on, or a complete failure.
 */
export type BatchItemFailuresVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly index: number; readonly sequenceNumber: string }
  | { readonly kind: 'failure'; readonly reason: string };

/** An identifier must be a sequence number: a non-empty decimal string. */
const itemSchema = z.object({ itemIdentifier: z.string().regex(/^\d+$/, 'itemIdentifier must be a sequence number') });
const responseSchema = z.union([z.null(), z.object({ batchItemFailures: z.array(itemSchema).nullish() })]);

/**
 * Parses a function response under FunctionResponseTypes ReportBatchItemFailures.
 * Complete success: an empty or null `batchItemFailures`, an empty response, a null response.
 * Complete failure: a response that is not JSON or not an object, an `itemIdentifier` that is
 * empty, null, not a sequence number, under a misspelled key, or not in the batch. Otherwise Lambda
 * checkpoints before the lowest reported sequence number and retries from it.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 *
 * @param sequenceNumbers the batch's sequence numbers, in order
 */
export function parseBatchItemFailures(payload: string, sequenceNumbers: readonly string[]): BatchItemFailuresVerdict {
  if (payload.trim() === '') return { kind: 'success' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { kind: 'failure', reason: 'the response is not JSON' };
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) return { kind: 'failure', reason: `invalid batchItemFailures: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const failures = parsed.data?.batchItemFailures ?? [];
  if (failures.length === 0) return { kind: 'success' };
  const positions = new Map(sequenceNumbers.map((sequenceNumber, index) => [sequenceNumber, index]));
  let lowest: number | undefined;
  for (const { itemIdentifier } of failures) {
    const index = positions.get(itemIdentifier);
    if (index === undefined) return { kind: 'failure', reason: `itemIdentifier ${itemIdentifier} is not in the batch` };
    lowest = lowest === undefined ? index : Math.min(lowest, index);
  }
  return { kind: 'partial', index: lowest!, sequenceNumber: sequenceNumbers[lowest!]! };
}
