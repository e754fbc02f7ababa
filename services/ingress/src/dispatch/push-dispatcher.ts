import { bindingMatches, type AsyncInvocationJobInput, type S3Binding, type S3BindingStore, type SluiceMetrics } from '@sluice/shared';
import type { PushEvent } from '../events/push-event.js';
import type { PushDedup } from './push-dedup.js';
import { pushRequestId } from './push-request-id.js';

export interface PushDispatcherDeps {
  readonly bindings: S3BindingStore;
  readonly dedup: PushDedup;
  /** enqueueAsyncInvocation on the async invocation queue: the same Event path as the Invoke API. */
  readonly enqueue: (job: AsyncInvocationJobInput) => Promise<void>;
  readonly metrics?: Pick<SluiceMetrics, 's3Pushes'>;
  readonly now?: () => number;
}

/** How the events reached the ingress (the `form` label of the push metrics). */
export type PushForm = 's3' | 'sns' | 'eventbridge';

export interface DispatchResult {
  /** Invocations queued now. */
  readonly queued: number;
  /** Invocations this delivery asked for that an earlier delivery had queued already. */
  readonly duplicates: number;
  /** Events no binding matched. */
  readonly unmatched: number;
}

/**
 * Matches pushed events against the bindings of their buckets and queues one asynchronous
 * invocation per (event, binding), as S3 invokes one function per record asynchronously.
 * Deliveries from an SNS topic reach only bindings that name that topic or none.
 */
export class PushDispatcher {
  private readonly now: () => number;

  constructor(private readonly deps: PushDispatcherDeps) {
    this.now = deps.now ?? Date.now;
  }

  async dispatch(form: PushForm, events: readonly PushEvent[], via: { topicArn?: string } = {}): Promise<DispatchResult> {
    const byBucket = new Map<string, Promise<readonly S3Binding[]>>();
    const acceptedAt = this.now();
    const outcomes = await Promise.all(
      events.map(async (event) => {
        let bucketBindings = byBucket.get(event.bucket);
        if (bucketBindings === undefined) {
          bucketBindings = this.deps.bindings.forBucket(event.bucket).then((b) => b.bindings);
          byBucket.set(event.bucket, bucketBindings);
        }
        const matching = (await bucketBindings).filter(
          (b) => bindingMatches(b, event) && (via.topicArn === undefined || b.topicArn === undefined || b.topicArn === via.topicArn),
        );
        const results = await Promise.all(matching.map((binding) => this.invokeOnce(event, binding, acceptedAt)));
        return { matched: matching.length > 0, results };
      }),
    );
    const results = outcomes.flatMap((o) => o.results);
    const result = {
      queued: results.filter((r) => r === 'queued').length,
      duplicates: results.filter((r) => r === 'duplicate').length,
      unmatched: outcomes.filter((o) => !o.matched).length,
    };
    const counter = this.deps.metrics?.s3Pushes;
    if (counter !== undefined) {
      if (result.queued > 0) counter.inc({ form, outcome: 'queued' }, result.queued);
      if (result.duplicates > 0) counter.inc({ form, outcome: 'duplicate' }, result.duplicates);
      if (result.unmatched > 0) counter.inc({ form, outcome: 'unmatched' }, result.unmatched);
    }
    return result;
  }

  private async invokeOnce(event: PushEvent, binding: S3Binding, acceptedAt: number): Promise<'queued' | 'duplicate'> {
    const requestId = pushRequestId(binding.id, event.identity);
    if (await this.deps.dedup.seen(requestId)) return 'duplicate';
    await this.deps.enqueue({
      requestId,
      functionName: binding.functionName,
      payload: event.payloadFor(binding.id),
      acceptedAt,
      origin: 's3',
    });
    await this.deps.dedup.remember(requestId);
    return 'queued';
  }
}
