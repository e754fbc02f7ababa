import { deadLetterRecordCount, type DeadLetter, type DeadLetterSummary } from '@sluice/shared';

/**
 * A dead letter on the wire, in the API's PascalCase. Times are ISO 8601; FailureRecord is AWS's
 * record exactly as a destination would have received it (aws-facts 2.4), so it keeps its own case.
 */
export function toDeadLetterSummary(entry: DeadLetterSummary) {
  return {
    Id: entry.id,
    Kind: entry.kind,
    ...(entry.mappingId === undefined ? {} : { MappingId: entry.mappingId }),
    FunctionName: entry.functionName,
    CreatedAt: new Date(entry.createdAt).toISOString(),
    RecordCount: entry.recordCount,
    ...(entry.payloadOmitted ? { PayloadOmitted: true } : {}),
    FailureRecord: entry.failureRecord,
    Replays: entry.replays,
    ...(entry.lastReplay === undefined ? {} : { LastReplay: { At: new Date(entry.lastReplay.at).toISOString(), Error: entry.lastReplay.error } }),
  };
}

/** The whole entry, with the payload the function would have been sent. */
export function toDeadLetter(entry: DeadLetter) {
  const records = deadLetterRecordCount(entry.kind, entry.payload);
  return {
    ...toDeadLetterSummary({ ...entry, recordCount: records, payloadOmitted: entry.payload === undefined }),
    ...(entry.payload === undefined ? {} : { Payload: entry.payload }),
  };
}
