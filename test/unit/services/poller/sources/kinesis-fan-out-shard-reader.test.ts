import { SubscribeToShardCommand, type KinesisClient, type SubscribeToShardEventStream } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@sluice/shared';
import { FanOutShardReader } from '../../../../../services/poller/src/sources/kinesis-fan-out-shard-reader.js';

const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/s';
const target = { consumerArn: `${streamArn}/consumer/c:1700000000`, streamArn, shardId: 'shardId-000000000000' };
const options = { maxWaitMs: 50, resubscribeDelayMs: 0, endProbeIntervalMs: 3_600_000 };

type Step = SubscribeToShardEventStream | Error | 'hang';

function event(sequenceNumbers: string[], continuation?: string): SubscribeToShardEventStream {
  return {
    SubscribeToShardEvent: {
      Records: sequenceNumbers.map((SequenceNumber) => ({ SequenceNumber, PartitionKey: 'k', Data: new Uint8Array([1]), ApproximateArrivalTimestamp: new Date(0) })),
      ContinuationSequenceNumber: continuation ?? sequenceNumbers.at(-1),
      MillisBehindLatest: 0,
    },
  };
}

/** A Kinesis client whose n-th SubscribeToShard streams the n-th script (then ends), recording StartingPositions. */
function fakeKinesis(scripts: Step[][]) {
  const positions: unknown[] = [];
  const client = {
    async send(command: unknown, sendOptions?: { abortSignal?: AbortSignal }) {
      if (!(command instanceof SubscribeToShardCommand)) throw new Error('unexpected command');
      positions.push(command.input.StartingPosition);
      const script = scripts[positions.length - 1] ?? [];
      const signal = sendOptions?.abortSignal;
      async function* events(): AsyncIterable<SubscribeToShardEventStream> {
        for (const step of script) {
          if (step === 'hang') await new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
          else if (step instanceof Error) throw step;
          else yield step;
        }
      }
      return { EventStream: events() };
    },
  };
  return { kinesis: client as unknown as KinesisClient, positions };
}

const seqs = (records: readonly { sequenceNumber: string }[]) => records.map((r) => r.sequenceNumber);

describe('FanOutShardReader', () => {
  it('buffers an event and hands its records out limit by limit', async () => {
    const { kinesis } = fakeKinesis([[event(['1', '2', '3']), 'hang']]);
    const reader = await FanOutShardReader.open({ kinesis, ...target }, { type: 'TRIM_HORIZON' }, options);

    expect(seqs((await reader.read(2)).records)).toEqual(['1', '2']);
    expect(seqs((await reader.read(2)).records)).toEqual(['3']);
    expect(await reader.read(2)).toEqual({ records: [], shardEnded: false, millisBehindLatest: 0 });
    await reader.close();
  });

  it('resubscribes after the last continuation when a subscription ends', async () => {
    const { kinesis, positions } = fakeKinesis([[event(['1'], '5')], [event(['6']), 'hang']]);
    const reader = await FanOutShardReader.open({ kinesis, ...target }, { type: 'LATEST' }, options);

    const first = await reader.read(10);
    await reader.read(10); // the end of the first subscription
    const second = await reader.read(10);

    expect([...seqs(first.records), ...seqs(second.records)]).toEqual(['1', '6']);
    expect(positions).toEqual([{ Type: 'LATEST' }, { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: '5' }]);
    await reader.close();
  });

  it('takes ResourceInUseException before the first event as "not yet" and subscribes again', async () => {
    const inUse = Object.assign(new Error('held'), { name: 'ResourceInUseException' });
    const { kinesis, positions } = fakeKinesis([[inUse], [event(['1']), 'hang']]);
    const reader = await FanOutShardReader.open({ kinesis, ...target }, { type: 'TRIM_HORIZON' }, options);

    const refused = await reader.read(10);
    const read = await reader.read(10);

    expect(refused.records).toEqual([]);
    expect(seqs(read.records)).toEqual(['1']);
    expect(positions).toEqual([{ Type: 'TRIM_HORIZON' }, { Type: 'TRIM_HORIZON' }]);
    await reader.close();
  });

  it('throws an exception event yielded as a union member, classified by its member name', async () => {
    const notFound = { ResourceNotFoundException: { name: 'ResourceNotFoundException', message: 'gone' } } as unknown as SubscribeToShardEventStream;
    const { kinesis } = fakeKinesis([[event(['1']), notFound]]);
    const reader = await FanOutShardReader.open({ kinesis, ...target }, { type: 'TRIM_HORIZON' }, options);

    await reader.read(10);
    await expect(reader.read(10)).rejects.toMatchObject({ code: ErrorCode.SourceNotFound });
    await reader.close();
  });

  it('says shardEnded once an event with ChildShards and no continuation is drained', async () => {
    const end: SubscribeToShardEventStream = {
      SubscribeToShardEvent: { Records: [], ContinuationSequenceNumber: undefined, MillisBehindLatest: 0, ChildShards: [{ ShardId: 'shardId-000000000001', ParentShards: [], HashKeyRange: undefined }] },
    };
    const { kinesis } = fakeKinesis([[event(['1', '2']), end]]);
    const reader = await FanOutShardReader.open({ kinesis, ...target }, { type: 'TRIM_HORIZON' }, options);

    const first = await reader.read(1);
    const last = await reader.read(1);
    const after = await reader.read(1);

    expect(first).toMatchObject({ shardEnded: false });
    expect(seqs(last.records)).toEqual(['2']);
    expect(after).toMatchObject({ records: [], shardEnded: true });
    await reader.close();
  });

  it("throws the caller's abort reason while waiting for an event, and refuses reads once closed", async () => {
    const { kinesis } = fakeKinesis([[event(['1']), 'hang']]);
    const reader = await FanOutShardReader.open({ kinesis, ...target }, { type: 'TRIM_HORIZON' }, { ...options, maxWaitMs: 10_000 });
    await reader.read(10);
    const controller = new AbortController();
    const reason = new Error('stopping');

    const waiting = reader.read(10, controller.signal);
    controller.abort(reason);

    await expect(waiting).rejects.toBe(reason);
    await reader.close();
    await expect(reader.read(1)).rejects.toMatchObject({ code: ErrorCode.SourceInvalid });
  });
});
