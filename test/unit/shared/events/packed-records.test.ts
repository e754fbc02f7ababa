import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKinesisStreamRecord, packLambdaRecords, unpackLambdaRecords } from '@sluice/shared';

const fixtures = new URL('../../../fixtures/events/', import.meta.url);

function goldenEvents(source: 'kinesis' | 'dynamodb'): { name: string; records: Record<string, unknown>[] }[] {
  return readdirSync(new URL(`${source}/`, fixtures)).map((name) => ({
    name,
    records: (JSON.parse(readFileSync(new URL(`${source}/${name}`, fixtures), 'utf8')) as { Records: Record<string, unknown>[] }).Records,
  }));
}

/** What a job stored in Redis gives back: the packed records after a trip through JSON. */
function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

describe('packLambdaRecords / unpackLambdaRecords', () => {
  it.each(goldenEvents('kinesis'))('gives the Kinesis golden event $name back byte for byte', ({ records }) => {
    // Arrange: every record of a batch comes from one shard, named in its eventID
    const shardId = String(records[0]!['eventID']).split(':')[0]!;

    // Act
    const packed = throughJson(packLambdaRecords('kinesis', records));

    // Assert
    expect(JSON.stringify(unpackLambdaRecords('kinesis', shardId, packed))).toBe(JSON.stringify(records));
  });

  it.each(goldenEvents('dynamodb'))('gives the DynamoDB golden event $name back byte for byte (userIdentity only where it was)', ({ records }) => {
    const packed = throughJson(packLambdaRecords('dynamodb', records));

    expect(JSON.stringify(unpackLambdaRecords('dynamodb', 'shardId-00000001700000000000-abcdef12', packed))).toBe(JSON.stringify(records));
  });

  it('keeps a Kinesis record in about half its Lambda size: the stream, region, role, constants and eventID once a batch', () => {
    // Arrange: 100 records of the drain bench's shape (a ~120-byte JSON payload)
    const streamArn = 'arn:aws:kinesis:us-east-1:000000000000:stream/bench-drain-0a1b2c';
    const records = Array.from(
      { length: 100 },
      (_, i) =>
        buildKinesisStreamRecord(
          { SequenceNumber: String(49650000000000000000000000000000000000000000000000000000n + BigInt(i)), PartitionKey: `pk-${i}`, Data: Buffer.from(JSON.stringify({ n: i, pad: 'x'.repeat(100) })), ApproximateArrivalTimestamp: 1_764_000_000_123 + i },
          { shardId: 'shardId-000000000003', streamArn },
        ).lambdaRecord,
    );

    // Act
    const packedBytes = JSON.stringify(packLambdaRecords('kinesis', records)).length;

    // Assert
    expect(packedBytes / JSON.stringify(records).length).toBeLessThan(0.6);
  });

  it('packs a record-less batch (a tumbling window final invocation) to nothing', () => {
    expect(unpackLambdaRecords('kinesis', 'shardId-000000000000', throughJson(packLambdaRecords('kinesis', [])))).toEqual([]);
  });
});
