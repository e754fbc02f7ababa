/**
 * A ShardPoller's lifecycle as named states (the KCL's ConsumerStates, which the KCL's
 * ShardConsumer moves through by a table of allowed transitions:
 * https://github.com/awslabs/amazon-kinesis-client, ConsumerStates.java):
 *
 * - initializing: recording the batch layout, opening the shard at its checkpoint;
 * - processing: reading, cutting and dispatching batches, checkpointing;
 * - backing-off: the last call on the shard failed; the next one waits (read-pacer.ts);
 * - shutting-down: no more reads; batches in flight finish, the last checkpoints are written;
 * - shut-down: done (the scheduler releases the lease, or the next owner takes it).
 */
export type ShardPollerState = 'initializing' | 'processing' | 'backing-off' | 'shutting-down' | 'shut-down';

/** Where each state may go next. Any live state may shut down (stop, lease lost, shard ended). */
export const SHARD_POLLER_TRANSITIONS: { readonly [S in ShardPollerState]: readonly ShardPollerState[] } = {
  initializing: ['processing', 'backing-off', 'shutting-down'],
  // Back to initializing when the shard is reopened (expired iterator, trimmed records).
  processing: ['backing-off', 'initializing', 'shutting-down'],
  'backing-off': ['processing', 'initializing', 'shutting-down'],
  'shutting-down': ['shut-down'],
  'shut-down': [],
};

/** The state after `from` -> `to`; throws on a transition the table does not allow (a bug). */
export function transition(from: ShardPollerState, to: ShardPollerState): ShardPollerState {
  if (from === to) return from;
  if (!SHARD_POLLER_TRANSITIONS[from].includes(to)) throw new Error(`shard poller cannot go from ${from} to ${to}`);
  return to;
}
