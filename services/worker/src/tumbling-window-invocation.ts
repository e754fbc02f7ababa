import {
  ErrorCode,
  SluiceError,
  compareSequenceNumbers,
  lambdaRecordPosition,
  streamProfile,
  windowIsoTime,
  type InvokeResult,
  type StreamBatchJob,
  type SubBatch,
  type WindowStateKey,
  type WindowStateRecord,
  type WindowStateStore,
} from '@sluice/shared';
import { parseBatchItemFailures } from './batch-item-failures.js';

/** What a windowed attempt came to: the function's answer, or nothing to do (already in the state). */
export type WindowAttempt = InvokeResult | 'covered';

/**
 * The worker's side of tumbling windows
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html):
 * - The event adds `window` {start, end} (ISO 8601), the window's running `state` (`{}` at first),
 *   `shardId`, `eventSourceARN`, `isFinalInvokeForWindow` and `isWindowTerminatedEarly` to Records.
 *   A final invocation has no records: it hands over the state once the window is over.
 * - The answer must carry a `state` object; without one (or with one that is not a JSON object)
 *   the invocation counts as failed, as a function error: retried, spending MaximumRetryAttempts.
 * - The returned state is stored, version-checked, with the last record folded into it: under
 *   ReportBatchItemFailures the record before the lowest reported failure (the retried rest then
 *   gets this state), and records already folded in are not invoked again after a crash or re-read.
 * - After a successful final the state is dropped (a fresh `{}` if the window only ended early).
 */
export class TumblingWindowInvocation {
  constructor(private readonly store: WindowStateStore) {}

  async invoke(batch: StreamBatchJob, sub: SubBatch, call: (payload: string) => Promise<InvokeResult>): Promise<WindowAttempt> {
    const window = batch.window!;
    const key = windowKey(batch);
    const stored = await this.store.read(key);
    if (window.isFinal) return this.invokeFinal(batch, key, stored, call);
    const sequenceNumbers = batch.records.map((r) => lambdaRecordPosition(batch.sourceKind, r).sequenceNumber ?? '');
    let from = sub.start;
    while (from < sub.end && stored.through !== undefined && compareSequenceNumbers(sequenceNumbers[from]!, stored.through) <= 0) from += 1;
    if (from === sub.end) return 'covered';
    const invoked = sequenceNumbers.slice(from, sub.end);
    const result = await call(windowEvent(batch, batch.records.slice(from, sub.end), stored.stateJson));
    if (result.functionError !== undefined) return result;
    const state = parseState(result.payload);
    if (typeof state !== 'string') return state.failure(result);
    const through = this.foldedThrough(batch, result, invoked, stored);
    if (through === false) return result; // a complete failure under ReportBatchItemFailures: the state is not kept
    const written = await this.store.save(key, stored.version, { stateJson: state, ...(through === undefined ? {} : { through }) });
    if (written === 'conflict') throw conflict(batch);
    return result;
  }

  /** Whether the window's state passed the cap after this job (the poller then ends it early). */
  async outcome(batch: StreamBatchJob): Promise<{ terminatedEarly: boolean }> {
    if (batch.window?.isFinal !== false) return { terminatedEarly: false };
    return { terminatedEarly: (await this.store.read(windowKey(batch))).overCap };
  }

  private async invokeFinal(batch: StreamBatchJob, key: WindowStateKey, stored: WindowStateRecord, call: (payload: string) => Promise<InvokeResult>): Promise<WindowAttempt> {
    // A final that already succeeded (a re-run after a crash, a re-read) is not invoked again.
    if (stored.finalizedThrough !== undefined && compareSequenceNumbers(stored.finalizedThrough, batch.lastSequenceNumber) >= 0) return 'covered';
    const result = await call(windowEvent(batch, [], stored.stateJson));
    if (result.functionError !== undefined) return result;
    const state = parseState(result.payload);
    if (typeof state !== 'string') return state.failure(result);
    if (batch.functionResponseTypes.includes('ReportBatchItemFailures') && parseBatchItemFailures(result.payload, []).kind !== 'success') return result;
    const closed = await this.store.close(key, stored.version, batch.lastSequenceNumber, !batch.window!.terminatedEarly);
    if (closed === 'conflict') throw conflict(batch);
    return result;
  }

  /**
   * The last record the returned state covers: the whole invocation, or under
   * ReportBatchItemFailures the records before the lowest failure (`false`: a complete failure).
   */
  private foldedThrough(batch: StreamBatchJob, result: InvokeResult, invoked: readonly string[], stored: WindowStateRecord): string | undefined | false {
    if (!batch.functionResponseTypes.includes('ReportBatchItemFailures')) return invoked.at(-1);
    const verdict = parseBatchItemFailures(result.payload, invoked);
    if (verdict.kind === 'success') return invoked.at(-1);
    if (verdict.kind === 'failure') return false;
    return verdict.index > 0 ? invoked[verdict.index - 1] : stored.through;
  }
}

/** The window state's key for a job: mapping, stream incarnation, shard, window start. */
export function windowKey(batch: StreamBatchJob): WindowStateKey {
  return { mappingId: batch.mappingId, streamIdentity: batch.streamIdentity, shardId: batch.shardId, windowStartMs: batch.window!.startMs };
}

/** The event Lambda sends with tumbling windows, in the documented key order. */
export function windowEvent(batch: StreamBatchJob, records: readonly Record<string, unknown>[], stateJson: string): string {
  const window = batch.window!;
  return JSON.stringify({
    ...streamProfile(batch.sourceKind).event(records),
    window: { start: windowIsoTime(window.startMs), end: windowIsoTime(window.endMs) },
    state: JSON.parse(stateJson) as unknown,
    shardId: batch.shardId,
    eventSourceARN: batch.eventSourceArn,
    isFinalInvokeForWindow: window.isFinal,
    isWindowTerminatedEarly: window.isFinal && window.terminatedEarly,
  });
}

/** The returned state as JSON, or why the answer counts as a failed invocation. */
function parseState(payload: string): string | { failure: (result: InvokeResult) => InvokeResult } {
  let response: unknown;
  try {
    response = JSON.parse(payload);
  } catch {
    response = undefined;
  }
  const state = typeof response === 'object' && response !== null ? (response as Record<string, unknown>)['state'] : undefined;
  if (typeof state === 'object' && state !== null && !Array.isArray(state)) return JSON.stringify(state);
  const reason = state === undefined || state === null ? 'the response has no state' : 'the response state is not a JSON object';
  return {
    failure: (result) => ({
      ...result,
      functionError: 'Unhandled',
      payload: JSON.stringify({ errorType: 'InvalidTumblingWindowResponse', errorMessage: `${reason}: with TumblingWindowInSeconds a function must return {"state": {...}}` }),
    }),
  };
}

function conflict(batch: StreamBatchJob): SluiceError {
  return new SluiceError(ErrorCode.WindowStateConflict, `the window state of ${batch.shardId} was written by another invocation first`, { retryable: true });
}
