import type { SourceKind } from '../arn/source-arn.js';

/** Where one record of a batch sits in its shard, read back from the record as Lambda shapes it. */
export interface LambdaRecordPosition {
  readonly sequenceNumber: string | undefined;
  /** Approximate arrival (Kinesis) or creation (DynamoDB) time, epoch ms. */
  readonly arrivalMs: number | undefined;
}

/**
 * The sequence number and arrival time of a record in a job's `records` (Lambda's event format:
 * `kinesis.sequenceNumber` and `kinesis.approximateArrivalTimestamp` in epoch seconds, or
 * `dynamodb.SequenceNumber` and `dynamodb.ApproximateCreationDateTime`), so the worker can cut a
 * batch anywhere without carrying a second copy of each record's position.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
export function lambdaRecordPosition(sourceKind: SourceKind, record: Readonly<Record<string, unknown>>): LambdaRecordPosition {
  const inner = sourceKind === 'dynamodb' ? record['dynamodb'] : record['kinesis'];
  if (typeof inner !== 'object' || inner === null) return { sequenceNumber: undefined, arrivalMs: undefined };
  const fields = inner as Record<string, unknown>;
  const sequenceNumber = sourceKind === 'dynamodb' ? fields['SequenceNumber'] : fields['sequenceNumber'];
  const arrival = sourceKind === 'dynamodb' ? fields['ApproximateCreationDateTime'] : fields['approximateArrivalTimestamp'];
  return {
    sequenceNumber: typeof sequenceNumber === 'string' ? sequenceNumber : undefined,
    arrivalMs: typeof arrival === 'number' && Number.isFinite(arrival) ? Math.round(arrival * 1000) : undefined,
  };
}
