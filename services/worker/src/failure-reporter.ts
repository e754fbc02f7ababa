import {
  DeadLetterKind,
  ErrorCode,
  SluiceError,
  buildStreamFailureRecord,
  deadLetterId,
  lambdaRecordPosition,
  streamProfile,
  type BatchProgress,
  type DeadLetterStore,
  type DestinationRouter,
  type DiscardCondition,
  type FailedResponse,
  type Logger,
  type SluiceMetrics,
  type StreamBatchJob,
  type StreamFailureRecord,
  type SubBatch,
} from '@sluice/shared';

export type Undelivered = NonNullable<BatchProgress['undelivered']>;

export interface FailureReporterDeps {
  /** Absent: no AWS destinations in this process; a mapping's destination then fails to deliver. */
  readonly destinations?: DestinationRouter;
  readonly metrics?: SluiceMetrics;
  /** Where discarded batches of mappings without DestinationConfig.OnFailure are parked. */
  readonly deadLetters?: Pick<DeadLetterStore, 'park'>;
  readonly newId: () => string;
}

/** Where a sub-batch starts and ends in its shard, read from its records with job fallbacks. */
export function subBatchBounds(batch: StreamBatchJob, sub: SubBatch) {
  // A tumbling window's final invocation has no records: its job's bounds are the window's.
  const at = (index: number) => {
    const record = batch.records[index];
    return record === undefined ? { sequenceNumber: undefined, arrivalMs: undefined } : lambdaRecordPosition(batch.sourceKind, record);
  };
  const first = at(sub.start);
  const last = at(sub.end - 1);
  return {
    startSequenceNumber: first.sequenceNumber ?? batch.firstSequenceNumber,
    endSequenceNumber: last.sequenceNumber ?? batch.lastSequenceNumber,
    firstArrivalMs: first.arrivalMs ?? batch.firstArrivalMs,
    lastArrivalMs: last.arrivalMs ?? batch.lastArrivalMs,
  };
}

/**
 * Builds a discarded sub-batch's failure record (aws-facts 2.4) and delivers it to the mapping's
 * DestinationConfig.OnFailure, or, for a mapping without one, parks it with its records in the
 * dead-letter store. The processor saves the record in the job before delivering, so a
 * failing destination is retried with the same record, after a crash too.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class FailureReporter {
  constructor(private readonly deps: FailureReporterDeps) {}

  build(batch: StreamBatchJob, sub: SubBatch, condition: DiscardCondition, response: FailedResponse | undefined, nowMs: number): Undelivered {
    const record: StreamFailureRecord = buildStreamFailureRecord({
      requestId: this.deps.newId(),
      functionArn: batch.functionArn,
      condition,
      approximateInvokeCount: sub.invocations,
      ...(response === undefined ? {} : { response }),
      timestampMs: nowMs,
      sourceKind: batch.sourceKind,
      shardId: batch.shardId,
      eventSourceArn: batch.eventSourceArn,
      ...subBatchBounds(batch, sub),
      batchSize: sub.end - sub.start,
    });
    return { record: JSON.stringify(record), start: sub.start, end: sub.end, attempts: 0 };
  }

  /** Delivers; throws the destination's SluiceError (retryable) when it did not take the record. */
  async deliver(batch: StreamBatchJob, undelivered: Undelivered, log: Logger): Promise<void> {
    const destinationArn = batch.onFailureDestination;
    if (destinationArn === undefined) return this.park(batch, undelivered, log);
    const record = JSON.parse(undelivered.record) as StreamFailureRecord;
    const labels = { mapping: batch.mappingId, type: destinationArn.split(':')[2] ?? 'unknown' };
    try {
      if (this.deps.destinations === undefined) {
        throw new SluiceError(ErrorCode.DestinationFailed, 'this worker has no on-failure destinations configured', { retryable: true });
      }
      await this.deps.destinations.destinationFor(destinationArn).deliver({
        destinationArn,
        record,
        mappingId: batch.mappingId,
        shardId: batch.shardId,
        records: batch.records.slice(undelivered.start, undelivered.end),
        deliveryId: record.requestContext.requestId,
      });
    } catch (error) {
      this.deps.metrics?.destinationDeliveries.inc({ ...labels, outcome: 'failed' });
      log.warn({ err: error, destination: destinationArn, attempts: undelivered.attempts + 1 }, 'on-failure destination delivery failed; will retry');
      throw error;
    }
    this.deps.metrics?.destinationDeliveries.inc({ ...labels, outcome: 'delivered' });
    if (batch.countEvents) this.deps.metrics?.eventCounts.OnFailureDestinationDeliveredEventCount.inc({ mapping: batch.mappingId }, undelivered.end - undelivered.start);
    log.info({ destination: destinationArn, condition: record.requestContext.condition, batchSize: undelivered.end - undelivered.start }, 'failure record delivered');
  }

  /**
   * Parks a discarded sub-batch without an on-failure destination in the dead-letter store, so
   * nothing is dropped silently; throws a retryable SluiceError while the store cannot take it.
   * The entry id derives from the saved failure record, so a park retried after a crash (or after
   * the job data failed to save) finds the entry already there.
   */
  private async park(batch: StreamBatchJob, undelivered: Undelivered, log: Logger): Promise<void> {
    const record = JSON.parse(undelivered.record) as StreamFailureRecord;
    const id = deadLetterId(Date.parse(record.timestamp), record.requestContext.requestId);
    try {
      if (this.deps.deadLetters === undefined) {
        throw new SluiceError(ErrorCode.DestinationFailed, 'this worker has no dead-letter store', { retryable: true });
      }
      await this.deps.deadLetters.park({
        id,
        kind: DeadLetterKind.StreamBatch,
        mappingId: batch.mappingId,
        functionName: batch.functionName,
        createdAt: Date.parse(record.timestamp),
        failureRecord: record,
        payload: streamProfile(batch.sourceKind).event(batch.records.slice(undelivered.start, undelivered.end)),
      });
    } catch (error) {
      this.deps.metrics?.deadLetters.inc({ mapping: batch.mappingId, outcome: 'park_failed' });
      log.warn({ err: error, deadLetterId: id, attempts: undelivered.attempts + 1 }, 'parking in the dead-letter store failed; will retry');
      throw error instanceof SluiceError ? error : new SluiceError(ErrorCode.DestinationFailed, 'the dead-letter store did not take the batch', { retryable: true, cause: error });
    }
    this.deps.metrics?.deadLetters.inc({ mapping: batch.mappingId, outcome: 'parked' });
    // Lambda drops what has no destination; Sluice parks it, and counts it as Lambda's DroppedEventCount.
    if (batch.countEvents) this.deps.metrics?.eventCounts.DroppedEventCount.inc({ mapping: batch.mappingId }, undelivered.end - undelivered.start);
    log.info({ deadLetterId: id, condition: record.requestContext.condition, batchSize: undelivered.end - undelivered.start }, 'batch parked in the dead-letter store');
  }
}
