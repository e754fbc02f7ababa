import { buildKinesisStreamRecord, type FunctionDefinition, type StreamBatchJob, type StreamMapping } from '@sluice/shared';

const ORDERS_STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';

/** A valid stream batch job of two Kinesis records in Lambda's format, as the poller builds it; override what a test is about. */
export function buildStreamBatchJob(overrides: Partial<StreamBatchJob> = {}): StreamBatchJob {
  const now = Date.now();
  // The records arrived when the job says its first and last did (record age counts from them).
  const firstArrivalMs = overrides.firstArrivalMs ?? now - 1000;
  const lastArrivalMs = overrides.lastArrivalMs ?? now - 500;
  return {
    mappingId: 'a1b2c3d4-0000-4000-8000-000000000001',
    streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/orders@1700000000000',
    functionName: 'orders',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:orders',
    eventSourceArn: ORDERS_STREAM_ARN,
    sourceKind: 'kinesis',
    shardId: 'shardId-000000000000',
    lane: 0,
    records: [
      { SequenceNumber: '49590338271490256608559692538361571095921575989136588898', PartitionKey: 'a', Data: new TextEncoder().encode('{"a":1}'), ApproximateArrivalTimestamp: firstArrivalMs },
      { SequenceNumber: '49590338271490256608559692538361571095921575989136588899', PartitionKey: 'b', Data: new TextEncoder().encode('{"a":2}'), ApproximateArrivalTimestamp: lastArrivalMs },
    ].map((r) => buildKinesisStreamRecord(r, { shardId: overrides.shardId ?? 'shardId-000000000000', streamArn: ORDERS_STREAM_ARN }).lambdaRecord),
    firstSequenceNumber: '49590338271490256608559692538361571095921575989136588898',
    lastSequenceNumber: '49590338271490256608559692538361571095921575989136588899',
    firstArrivalMs,
    lastArrivalMs,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    functionErrors: 0,
    enqueuedAt: now,
    bisectBatchOnFunctionError: false,
    functionResponseTypes: [],
    ...overrides,
  };
}

/** An Enabled Kinesis mapping of function `f` with Lambda's defaults (BatchSize 10, from TRIM_HORIZON); override what a test is about. */
export function buildEventSourceMapping(overrides: Partial<StreamMapping> = {}): StreamMapping {
  return {
    uuid: 'mapping-1',
    sourceModel: 'stream',
    eventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
    sourceKind: 'kinesis',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    functionName: 'f',
    state: 'Enabled',
    stateTransitionReason: 'User action',
    lastProcessingResult: 'No records processed',
    lastModified: 0,
    enabled: true,
    batchSize: 10,
    maximumBatchingWindowInSeconds: 0,
    parallelizationFactor: 1,
    startingPosition: 'TRIM_HORIZON',
    maximumRecordAgeInSeconds: -1,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    tumblingWindowInSeconds: 0,
    functionResponseTypes: [],
    version: 1,
    ...overrides,
  };
}

/** A registered function definition; `url` makes it an http function. A fixed `lastModified` makes two calls equal. */
export function buildFunction(name: string, invoker: FunctionDefinition['invoker'], timeout = 3, lastModified = Date.now()): FunctionDefinition {
  return {
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    description: '',
    invoker,
    timeout,
    memorySize: 128,
    lastModified,
  };
}

const BASE_SEQUENCE_NUMBER = 49590338271490256608559692538361571095921575989136500000n;

/** The sequence number of the i-th record of buildKinesisBatchJob. */
export function kinesisSequenceNumber(i: number): string {
  return String(BASE_SEQUENCE_NUMBER + BigInt(i));
}

/** A Kinesis batch of `n` records with sequence numbers and arrival times, as Lambda shapes them. */
export function buildKinesisBatchJob(n: number, overrides: Partial<StreamBatchJob> = {}, arrivalMs = Date.now() - 5000): StreamBatchJob {
  const seq = kinesisSequenceNumber;
  const records = Array.from(
    { length: n },
    (_, i) =>
      buildKinesisStreamRecord(
        { SequenceNumber: seq(i), PartitionKey: 'pk', Data: Buffer.from(`r${i}`), ApproximateArrivalTimestamp: arrivalMs + i },
        { shardId: overrides.shardId ?? 'shardId-000000000000', streamArn: ORDERS_STREAM_ARN },
      ).lambdaRecord,
  );
  return buildStreamBatchJob({
    records,
    firstSequenceNumber: seq(0),
    lastSequenceNumber: seq(n - 1),
    firstArrivalMs: arrivalMs,
    lastArrivalMs: arrivalMs + n - 1,
    ...overrides,
  });
}
