import type { QueueMessage } from '@sluice/shared';

/** What the runner reads of a queue's attributes (GetQueueAttributes). */
export interface QueueAttributes {
  /** Seconds a received message stays invisible (the queue's VisibilityTimeout). */
  readonly visibilityTimeoutSeconds: number;
  /** ApproximateNumberOfMessages: messages waiting to be received. */
  readonly backlog: number;
}

export interface ReceiveRequest {
  /** 1-10: SQS returns at most 10 messages a call. */
  readonly maxMessages: number;
  /** 0-20: how long the call waits for a first message (long polling). */
  readonly waitSeconds: number;
  /** How long the messages stay invisible; the queue's VisibilityTimeout when absent. */
  readonly visibilityTimeoutSeconds?: number;
}

/**
 * Adapter to one queue (an SQS queue; Amazon MQ later). It maps every service error to a
 * SluiceError with an ErrorCode where it enters (SourceThrottled, SourceTransient,
 * SourceNotFound, SourceInvalid); nothing above it sees AWS errors.
 */
export interface QueueSource {
  /**
   * Receives up to `maxMessages`, in Lambda's record format; empty when none came within the wait.
   * It takes no abort signal: SQS would still hand the messages that arrive to a call its caller
   * gave up on, and hide them for a whole visibility timeout (queue-receive-loop.ts, stop()).
   */
  receive(request: ReceiveRequest): Promise<QueueMessage[]>;
  /** Deletes messages; resolves with those the queue did not delete (a receipt handle that lapsed). */
  delete(messages: readonly QueueMessage[]): Promise<QueueMessage[]>;
  /** Sets how long more the messages stay invisible (0 makes them visible at once). */
  changeVisibility(messages: readonly QueueMessage[], seconds: number): Promise<void>;
  attributes(): Promise<QueueAttributes>;
}
