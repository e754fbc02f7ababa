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

/** The same for a queue's batch: the messages named as failed (by messageId). */
export type QueueItemFailuresVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly itemIdentifiers: readonly string[] }
  | { readonly kind: 'failure'; readonly reason: string };

/** A stream's identifier must be a sequence number: a non-empty decimal string. */
const SEQUENCE_NUMBER = z.string().regex(/^\d+$/, 'itemIdentifier must be a sequence number');
/** A queue's must be a non-empty string (an SQS messageId). */
const MESSAGE_ID = z.string().min(1, 'itemIdentifier must not be empty');

const responseSchema = (identifier: z.ZodString) =>
  z.union([z.null(), z.object({ batchItemFailures: z.array(z.object({ itemIdentifier: identifier })).nullish() })]);
const STREAM_RESPONSE = responseSchema(SEQUENCE_NUMBER);
const QUEUE_RESPONSE = responseSchema(MESSAGE_ID);

/**
 * The identifiers a response under ReportBatchItemFailures names, each checked to be in the batch.
 * Complete success: an empty or null `batchItemFailures`, an empty response, a null response.
 * Complete failure: a response that is not JSON or not an object, an `itemIdentifier` that is
 * empty, null, not of the source's form, under a misspelled key, or not in the batch.
 */
function listedFailures(
  payload: string,
  schema: typeof STREAM_RESPONSE,
  inBatch: ReadonlySet<string>,
): { kind: 'success' } | { kind: 'failure'; reason: string } | { kind: 'listed'; identifiers: string[] } {
  if (payload.trim() === '') return { kind: 'success' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { kind: 'failure', reason: 'the response is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { kind: 'failure', reason: `invalid batchItemFailures: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const failures = parsed.data?.batchItemFailures ?? [];
  if (failures.length === 0) return { kind: 'success' };
  const identifiers = failures.map((f) => f.itemIdentifier);
  const foreign = identifiers.find((id) => !inBatch.has(id));
  if (foreign !== undefined) return { kind: 'failure', reason: `itemIdentifier ${foreign} is not in the batch` };
  return { kind: 'listed', identifiers };
}

/**
 * Parses a stream function's response under FunctionResponseTypes ReportBatchItemFailures. Lambda
 * checkpoints before the lowest reported sequence number and retries from it.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 *
 * @param sequenceNumbers the batch's sequence numbers, in order
 */
export function parseBatchItemFailures(payload: string, sequenceNumbers: readonly string[]): BatchItemFailuresVerdict {
  const listed = listedFailures(payload, STREAM_RESPONSE, new Set(sequenceNumbers));
  if (listed.kind !== 'listed') return listed;
  const positions = new Map(sequenceNumbers.map((sequenceNumber, index) => [sequenceNumber, index]));
  const lowest = Math.min(...listed.identifiers.map((id) => positions.get(id)!));
  return { kind: 'partial', index: lowest, sequenceNumber: sequenceNumbers[lowest]! };
}

/**
 * Parses an SQS function's response under ReportBatchItemFailures: Lambda deletes every message
 * but the listed ones, which come back after their visibility timeout.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 *
 * @param messageIds the batch's messageIds
 */
export function parseQueueItemFailures(payload: string, messageIds: readonly string[]): QueueItemFailuresVerdict {
  const listed = listedFailures(payload, QUEUE_RESPONSE, new Set(messageIds));
  return listed.kind === 'listed' ? { kind: 'partial', itemIdentifiers: [...new Set(listed.identifiers)] } : listed;
}
