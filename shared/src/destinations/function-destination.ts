import { parseFunctionRef } from '../arn/lambda-arn.js';
import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { AsyncInvocationJobInput } from '../queue/async-invocation-job.js';
import { DestinationType, isAsyncInvocationDelivery, type Destination, type DestinationDelivery } from './destination.js';
import { destinationError } from './destination-error.js';

export interface FunctionDestinationDeps {
  /** Queues an asynchronous invocation (enqueueAsyncInvocation on the async invocation queue). */
  readonly enqueue: (input: AsyncInvocationJobInput) => Promise<void>;
  /** Whether a function is registered; a missing one is a failed delivery, retried until it exists. */
  readonly exists: (functionName: string) => Promise<boolean>;
  readonly now?: () => number;
}

/**
 * A function as an asynchronous invocation's destination: Lambda invokes it asynchronously with the
 * invocation record as its event. Here that is one more async invocation of a Sluice function,
 * through the same queue, whose request id is the delivery id: a retried delivery adds nothing.
 * Stream mappings cannot name a function as their destination (the API refuses it).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export class FunctionDestination implements Destination {
  readonly type = DestinationType.Lambda;

  constructor(private readonly deps: FunctionDestinationDeps) {}

  async deliver(delivery: DestinationDelivery): Promise<void> {
    const arn = delivery.destinationArn;
    if (!isAsyncInvocationDelivery(delivery)) {
      throw new SluiceError(ErrorCode.DestinationFailed, `function destination ${arn} takes asynchronous invocation records only`, { retryable: true });
    }
    const ref = parseFunctionRef(arn);
    if (ref === undefined) throw new SluiceError(ErrorCode.DestinationFailed, `function destination ${arn} is not a function ARN`, { retryable: true });
    try {
      if (!(await this.deps.exists(ref.name))) throw new Error(`function ${ref.name} is not registered`);
      await this.deps.enqueue({
        requestId: delivery.deliveryId,
        functionName: ref.name,
        qualifier: ref.qualifier ?? '$LATEST',
        payload: JSON.stringify(delivery.record),
        acceptedAt: (this.deps.now ?? Date.now)(),
        origin: 'invoke',
      });
    } catch (error) {
      throw destinationError(this.type, arn, error);
    }
  }
}
