import {
  ErrorCode,
  SluiceError,
  buildStreamFailureRecord,
  lambdaRecordPosition,
  type BatchProgress,
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
  readonly newId: () => string;
}

/** Where a sub-batch starts and ends in its shard, read from its records with job fallbacks. */
export function subBatchBounds(batch: StreamBatchJob, sub: SubBatch) {
  const first = lambdaRecordPosition(batch.sourceKind, batch.records[sub.start]!);
  const last = lambdaRecordPosition(batch.sourceKind, batch.records[sub.end - 1]!);
  return {
    startSequenceNumber: first.sequenceNumber ?? batch.firstSequenceNumber,
    endSequenceNumber: last.sequenceNumber ?? batch.lastSequenceNumber,
    firstArrivalMs: first.arrivalMs ?? batch.firstArrivalMs,
    lastArrivalMs: last.arrivalMs ?? batch.lastArrivalMs,
  };
}

/**
 * Builds a discarded sub-batch's failure record (aws-facts 2.4) and delivers it to the mapping's
 * DestinationConfig.OnFailure. The processor saves the record in the job before delivering, so a
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
    if (destinationArn === undefined) {
      // TODO(issue #4, dead-letter store): without DestinationConfig.OnFailure the failure record is
      // only logged here, so a discarded batch can be found in the logs but not listed or replayed;
      // park it in the Redis dead-letter store (list, inspect, replay, purge over REST) instead.
      // The processor's 'batch discarded' log line is all that is left of it today.
      return;
    }
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
    log.info({ destination: destinationArn, condition: record.requestContext.condition, batchSize: undelivered.end - undelivered.start }, 'failure record delivered');
  }
}
