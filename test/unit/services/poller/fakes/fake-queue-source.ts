import { buildSqsQueueMessage, type QueueBatchJob, type QueueBatchOutcome, type QueueMapping, type QueueMessage } from '@sluice/shared';
import type { QueueAttributes, QueueSource, ReceiveRequest } from '../../../../../services/poller/src/queue/queue-source.js';
import type { QueueBatchDispatcher } from '../../../../../services/poller/src/queue/queue-batch-dispatcher.js';
import { QUEUE_ARN } from './queue-messages.js';

interface Stored {
  readonly id: string;
  readonly body: string;
  visibleAt: number;
  receives: number;
  receiptHandle?: string;
}

interface Poll {
  readonly max: number;
  readonly visibility: number;
  readonly deliver: (messages: QueueMessage[]) => void;
}

/**
 * An in-memory SQS queue behind the QueueSource seam. Like SQS, a long poll whose caller gave up
 * (an abort signal, which callers may pass though the interface takes none) is not known to have
 * gone: it still takes the messages that arrive before its wait ends, and they stay invisible for
 * their visibility timeout.
 */
export class FakeQueueSource implements QueueSource {
  readonly stored: Stored[] = [];
  readonly deleted: string[] = [];
  private readonly polls = new Set<Poll>();
  private sequence = 0;

  constructor(private readonly visibilityTimeoutSeconds = 30) {}

  send(bodies: readonly string[]): void {
    for (const body of bodies) this.stored.push({ id: `m${(this.sequence += 1)}`, body, visibleAt: 0, receives: 0 });
    for (const poll of [...this.polls]) {
      const taken = this.take(poll.max, poll.visibility);
      if (taken.length === 0) continue;
      this.polls.delete(poll);
      poll.deliver(taken);
    }
  }

  /** Messages a receive could get now, and messages received and neither deleted nor visible again. */
  depth(): { visible: number; inFlight: number } {
    const now = Date.now();
    const visible = this.stored.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: this.stored.length - visible };
  }

  receive(request: ReceiveRequest, signal?: AbortSignal): Promise<QueueMessage[]> {
    const visibility = request.visibilityTimeoutSeconds ?? this.visibilityTimeoutSeconds;
    const now = this.take(request.maxMessages, visibility);
    if (now.length > 0 || request.waitSeconds === 0) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      let answered = false;
      const poll: Poll = { max: request.maxMessages, visibility, deliver: (messages) => !answered && ((answered = true), resolve(messages)) };
      this.polls.add(poll);
      const timer = setTimeout(() => {
        this.polls.delete(poll);
        poll.deliver([]);
      }, request.waitSeconds * 1000);
      timer.unref();
      // The caller stops waiting; the poll itself goes on until its wait ends (the server does not know).
      signal?.addEventListener('abort', () => !answered && ((answered = true), reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))), { once: true });
    });
  }

  async delete(messages: readonly QueueMessage[]): Promise<QueueMessage[]> {
    const failed: QueueMessage[] = [];
    for (const message of messages) {
      const index = this.stored.findIndex((m) => m.receiptHandle === message.receiptHandle);
      if (index < 0) failed.push(message);
      else this.deleted.push(this.stored.splice(index, 1)[0]!.body);
    }
    return failed;
  }

  async changeVisibility(messages: readonly QueueMessage[], seconds: number): Promise<void> {
    for (const message of messages) {
      const stored = this.stored.find((m) => m.receiptHandle === message.receiptHandle);
      if (stored !== undefined) stored.visibleAt = Date.now() + seconds * 1000;
    }
  }

  async attributes(): Promise<QueueAttributes> {
    return { visibilityTimeoutSeconds: this.visibilityTimeoutSeconds, backlog: this.depth().visible };
  }

  private take(max: number, visibilitySeconds: number): QueueMessage[] {
    const now = Date.now();
    const taken = this.stored.filter((m) => m.visibleAt <= now).slice(0, max);
    return taken.map((m) => {
      m.visibleAt = now + visibilitySeconds * 1000;
      m.receives += 1;
      m.receiptHandle = `${m.id}-${m.receives}`;
      return buildSqsQueueMessage({ MessageId: m.id, ReceiptHandle: m.receiptHandle, Body: m.body, Attributes: { ApproximateReceiveCount: String(m.receives) } }, { queueArn: QUEUE_ARN });
    });
  }
}

/** Records each batch and answers with `answer` (succeeded unless told), after `hold` resolves if set. */
export class FakeQueueBatchDispatcher implements QueueBatchDispatcher {
  readonly jobs: QueueBatchJob[] = [];
  answer: (job: QueueBatchJob) => QueueBatchOutcome = () => ({ status: 'succeeded' });
  hold: Promise<unknown> | undefined;

  async dispatch(job: QueueBatchJob): Promise<QueueBatchOutcome> {
    this.jobs.push(job);
    await this.hold;
    return this.answer(job);
  }
}

/** An Enabled SQS mapping with Lambda's defaults; override what a test is about. */
export function buildQueueMapping(overrides: Partial<QueueMapping> = {}): QueueMapping {
  return {
    uuid: 'queue-mapping-1',
    sourceModel: 'queue',
    sourceKind: 'sqs',
    eventSourceArn: QUEUE_ARN,
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    functionName: 'f',
    state: 'Enabled',
    stateTransitionReason: 'USER_INITIATED',
    lastProcessingResult: '',
    lastModified: 0,
    enabled: true,
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    functionResponseTypes: [],
    version: 1,
    ...overrides,
  };
}
