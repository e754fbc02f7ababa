import { countsEvents, type StreamMapping, type StreamBatchJob, type StreamRecord } from '@sluice/shared';
import type { PlannedWindow } from './tumbling-window-planner.js';

/**
 * The BullMQ job for one batch of one lane: the records in Lambda's format and the mapping's
 * failure settings as they are now (an update applies from the next batch on). A tumbling window's
 * final invocation has no records: it spans the window's first to last record, and its record age
 * counts from the window's end (or from now, when the window ends early), not from records that may
 * be a whole window old by then.
 */
export function buildBatchJob(
  mapping: StreamMapping,
  streamIdentity: string,
  shardId: string,
  lane: number,
  batch: readonly StreamRecord[],
  nowMs: number,
  window?: PlannedWindow,
): StreamBatchJob {
  const first = batch[0] ?? window!.first!;
  const last = batch.at(-1) ?? window!.last!;
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
    firstArrivalMs: window?.isFinal === true ? Math.min(window.endMs, nowMs) : first.approximateArrivalMs,
    lastArrivalMs: last.approximateArrivalMs,
    maximumRetryAttempts: mapping.maximumRetryAttempts,
    maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
    functionErrors: 0,
    enqueuedAt: nowMs,
    bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
    functionResponseTypes: [...mapping.functionResponseTypes],
    ...(mapping.onFailureDestination === undefined ? {} : { onFailureDestination: mapping.onFailureDestination }),
    ...(countsEvents(mapping) ? { countEvents: true as const } : {}),
    ...(window === undefined ? {} : { window: { startMs: window.startMs, endMs: window.endMs, isFinal: window.isFinal, terminatedEarly: window.terminatedEarly } }),
  };
}
