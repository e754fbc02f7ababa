/**
 * One record read from a shard: what the poller needs to batch, order and checkpoint it, plus the
 * record exactly as Lambda hands it to a function (built in shared/src/events, the one place that
 * knows the AWS event formats).
 */
export interface StreamRecord {
  /** Decimal string; compare with sequence-number.ts, never as JS numbers. */
  readonly sequenceNumber: string;
  /** Kinesis partition key; for DynamoDB the item's Keys as JSON. Lanes hash on it. */
  readonly partitionKey: string;
  /** Approximate arrival (Kinesis) or creation (DynamoDB) time, epoch ms. */
  readonly approximateArrivalMs: number;
  /** Bytes of `lambdaRecord` as JSON: the 6 MB invoke payload cap counts these. */
  readonly sizeBytes: number;
  /** The element of the event's `Records` array, in Lambda's exact shape for this source. */
  readonly lambdaRecord: Readonly<Record<string, unknown>>;
}
