import type { FunctionDefinition, StreamBatchJob } from '@sluice/shared';
import { ACCOUNT, REGION, encodePayload } from './kinesis.js';

const BASE_SEQUENCE_NUMBER = 49590338271490256608559692538361571095921575989136500000n;

/**
 * A stream batch job of ONE Kinesis record (payload `{n}`), as the poller builds it for shard
 * `shard` and lane 0 with Lambda's default failure settings. `n` makes the sequence number, and so
 * the deterministic job id, unique.
 */
export function oneRecordBatchJob(options: { mappingId: string; functionName: string; shard: number; n: number }): StreamBatchJob {
  const shardId = `shardId-${String(options.shard).padStart(12, '0')}`;
  const sequenceNumber = String(BASE_SEQUENCE_NUMBER + BigInt(options.n));
  const arrivalMs = Date.now();
  const streamArn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/bench`;
  return {
    mappingId: options.mappingId,
    streamIdentity: `${streamArn}@1700000000000`,
    functionName: options.functionName,
    functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${options.functionName}`,
    eventSourceArn: streamArn,
    sourceKind: 'kinesis',
    shardId,
    lane: 0,
    records: [
      {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: `k${options.n}`,
          sequenceNumber,
          data: Buffer.from(encodePayload({ n: options.n })).toString('base64'),
          approximateArrivalTimestamp: arrivalMs / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `${shardId}:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/bench`,
        awsRegion: REGION,
        eventSourceARN: streamArn,
      },
    ],
    firstSequenceNumber: sequenceNumber,
    lastSequenceNumber: sequenceNumber,
    firstArrivalMs: arrivalMs,
    lastArrivalMs: arrivalMs,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    functionErrors: 0,
    enqueuedAt: arrivalMs,
    bisectBatchOnFunctionError: false,
    functionResponseTypes: [],
  };
}

/** The no-op HTTP function the queue benches register, as POST /sluice/v1/functions would store it. */
export function noopFunctionDefinition(name: string, url: string): FunctionDefinition {
  return {
    name,
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    description: 'bench no-op',
    invoker: { type: 'http', url },
    timeout: 3,
    memorySize: 128,
    lastModified: Date.now(),
  };
}
