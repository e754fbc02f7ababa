import type { EventSourceMapping, StreamBatchJob, StreamRecord } from '@sluice/shared';

/**
 * The BullMQ job for one batch of one lane: the records in Lambda's format and the mapping's
 * failure settings as they are now (an update applies from the next batch on).
 */
export function buildBatchJob(
  mapping: EventSourceMapping,
  streamIdentity: string,
  shardId: string,
  lane: number,
  batch: readonly StreamRecord[],
  nowMs: number,
): StreamBatchJob {
  const first = batch[0]!;
  const last = batch.at(-1)!;
  return {
    mappingId: mapping.uuid,
    streamIdentity,
    functionName: mapping.functionName,
    functionArn: mapping.functionArn,
    eventSourceArn: mapping.eventSourceArn,
    sourceKind: mapping.sourceKind,
    shardId,
    lane,
    records: batch.map((r) => ({ ...r.lambdaRecord })),
    firstSequenceNumber: first.sequenceNumber,
    lastSequenceNumber: last.sequenceNumber,
    firstArrivalMs: first.approximateArrivalMs,
    lastArrivalMs: last.approximateArrivalMs,
    maximumRetryAttempts: mapping.maximumRetryAttempts,
    maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
    functionErrors: 0,
    enqueuedAt: nowMs,
    bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
    functionResponseTypes: [...mapping.functionResponseTypes],
    ...(mapping.onFailureDestination === undefined ? {} : { onFailureDestination: mapping.onFailureDestination }),
  };
}
