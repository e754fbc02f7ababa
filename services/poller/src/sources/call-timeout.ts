/**
 * How long one GetShardIterator or GetRecords call may take before it counts as failed (then
 * classified SOURCE_TRANSIENT, retryable): a stream service that stops answering (a hung
 * connection, a paused emulator) must not hold a shard's reads, or hide its outage, for the AWS
 * SDK's own socket timeout and retries (minutes). GetRecords answers within a second or two.
 */
export const STREAM_CALL_TIMEOUT_MS = 10_000;

/** The caller's signal, aborting also after `ms`: for one SDK call (pass the caller's own to callAws). */
export function withCallTimeout(signal: AbortSignal | undefined, ms = STREAM_CALL_TIMEOUT_MS): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}
