import {
  DeadLetterKind,
  ErrorCode,
  SluiceError,
  deadLetterId,
  parseJsonText,
  type AsyncInvocationRecord,
  type DeadLetterStore,
  type DestinationRouter,
  type Logger,
  type SluiceMetrics,
} from '@sluice/shared';
import type { AsyncJobData, FinishedEvent } from './async-job-data.js';

export interface AsyncRecordDeliveryDeps {
  readonly destinations?: DestinationRouter;
  readonly deadLetters?: Pick<DeadLetterStore, 'park'>;
  readonly metrics?: SluiceMetrics;
}

/**
 * Sends a finished asynchronous event's invocation record where it belongs: OnSuccess/OnFailure
 * (SQS, SNS, S3, or a function), or, for a failure without OnFailure, the dead-letter store
 * (AWS would drop it; Sluice parks the record and the event so nothing is dropped silently).
 * Throws a retryable SluiceError while the target does not take it; the caller retries.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export class AsyncRecordDelivery {
  constructor(private readonly deps: AsyncRecordDeliveryDeps) {}

  async deliver(data: AsyncJobData, finished: FinishedEvent, log: Logger): Promise<void> {
    if (finished.target === 'none') return;
    const record = JSON.parse(finished.record) as AsyncInvocationRecord;
    const type = finished.target === 'dead-letter' ? 'dead-letter' : (finished.destinationArn?.split(':')[2] ?? 'unknown');
    const labels = { function: data.functionName, type };
    try {
      if (finished.target === 'dead-letter') await this.park(data, finished, record);
      else await this.send(data, finished, record);
    } catch (error) {
      this.deps.metrics?.asyncDestinationDeliveries.inc({ ...labels, outcome: 'failed' });
      if (finished.target === 'dead-letter') this.deps.metrics?.deadLetters.inc({ mapping: '', outcome: 'park_failed' });
      throw error instanceof SluiceError ? error : new SluiceError(ErrorCode.DestinationFailed, `could not deliver the record of ${data.requestId}`, { retryable: true, cause: error });
    }
    this.deps.metrics?.asyncDestinationDeliveries.inc({ ...labels, outcome: 'delivered' });
    if (finished.target === 'dead-letter') this.deps.metrics?.deadLetters.inc({ mapping: '', outcome: 'parked' });
    log.info({ condition: finished.condition, destination: finished.destinationArn ?? 'dead-letter store' }, 'asynchronous invocation record delivered');
  }

  private async send(data: AsyncJobData, finished: FinishedEvent, record: AsyncInvocationRecord): Promise<void> {
    const destinationArn = finished.destinationArn!;
    if (this.deps.destinations === undefined) {
      throw new SluiceError(ErrorCode.DestinationFailed, 'this worker has no destinations configured', { retryable: true });
    }
    await this.deps.destinations.destinationFor(destinationArn).deliver({
      kind: 'async-invocation',
      destinationArn,
      record,
      functionName: data.functionName,
      deliveryId: finished.deliveryId,
    });
  }

  /** The entry id derives from the delivery id, so a park retried after a crash finds it already there. */
  private async park(data: AsyncJobData, finished: FinishedEvent, record: AsyncInvocationRecord): Promise<void> {
    if (this.deps.deadLetters === undefined) {
      throw new SluiceError(ErrorCode.DestinationFailed, 'this worker has no dead-letter store', { retryable: true });
    }
    const createdAt = Date.parse(record.timestamp);
    await this.deps.deadLetters.park({
      id: deadLetterId(createdAt, finished.deliveryId),
      kind: DeadLetterKind.AsyncEvent,
      functionName: data.functionName,
      createdAt,
      failureRecord: record,
      payload: parseJsonText(data.payload),
    });
  }
}
