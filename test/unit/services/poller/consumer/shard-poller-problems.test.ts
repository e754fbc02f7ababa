import { describe, expect, it } from 'vitest';
import { ErrorCode, ProcessingResult, SluiceError } from '@sluice/shared';
import { ShardPoller } from '../../../../../services/poller/src/consumer/shard-poller.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { FakeDispatcher } from '../fakes/fake-dispatcher.js';
import { FakeLeaseStore } from '../fakes/fake-leases.js';
import { testShardPollerDeps } from '../fakes/test-shard-poller-deps.js';
import { FakeShard, FakeSource, fault } from '../fakes/fake-stream.js';

// What the poller tells the mapping while reads or batches keep failing, and how it backs off.
// Faults are injected into the fake shard's reads (the stream services cannot be made to fail so).

type Report = readonly [kind: 'problem', key: string, problem: string | undefined] | readonly [kind: 'result', result: string];

function setup(backoff = { baseMs: 10, maxMs: 1000 }) {
  const shard = new FakeShard();
  const dispatcher = new FakeDispatcher();
  const reports: Report[] = [];
  const poller = new ShardPoller(
    testShardPollerDeps({
      leases: new FakeLeaseStore(),
      source: new FakeSource(new Map([['shard-0', shard]])),
      dispatcher,
      mapping: () => buildEventSourceMapping(),
      backoff,
      reportResult: (result) => reports.push(['result', result]),
      reportProblem: (key, problem) => reports.push(['problem', key, problem]),
    }),
  );
  return { shard, dispatcher, poller, reports };
}

const notRetryable = (code: string) => new SluiceError(code, `injected ${code}`, { retryable: false });

describe('ShardPoller on failing reads and batches', () => {
  it('injected retryable read faults: backs off exponentially, shows "Stream read failed" from the third failure in a row, and clears it once a read works', async () => {
    // Arrange
    const { shard, poller, reports } = setup();
    shard.faults.push(...[1, 2, 3, 4].map(() => fault(ErrorCode.SourceTransient)));
    shard.append(3);
    shard.closed = true;

    // Act
    await poller.start();

    // Assert: equal jitter waits at least half of 10, 20, 40, 80 ms after the failures.
    const gaps = shard.readTimes.slice(1, 5).map((t, i) => t - shard.readTimes[i]!);
    gaps.forEach((gap, i) => expect(gap, `wait after failure ${i + 1}`).toBeGreaterThanOrEqual(10 * 2 ** i / 2 - 1));
    const problems = reports.filter(([kind]) => kind === 'problem');
    expect(problems).toEqual([
      ['problem', 'shard-0', ProcessingResult.StreamReadFailed],
      ['problem', 'shard-0', ProcessingResult.StreamReadFailed],
      ['problem', 'shard-0', undefined],
    ]);
    expect(reports.at(-1)).toEqual(['result', 'OK']);
  });

  it('an injected fault retrying cannot mend (a record the builder cannot parse: SOURCE_INVALID) shows at once and waits the longest backoff, not retried at full speed', async () => {
    // Arrange
    const { shard, poller, reports } = setup({ baseMs: 1, maxMs: 300 });
    shard.faults.push(notRetryable(ErrorCode.SourceInvalid));
    shard.append(2);
    shard.closed = true;

    // Act
    await poller.start();

    // Assert
    expect(shard.readTimes[1]! - shard.readTimes[0]!).toBeGreaterThanOrEqual(295);
    expect(reports.filter(([kind]) => kind === 'problem')).toEqual([
      ['problem', 'shard-0', ProcessingResult.StreamRecordsUnreadable],
      ['problem', 'shard-0', undefined],
    ]);
  });

  it('an injected AccessDenied (SOURCE_ACCESS_DENIED) shows "Access denied to the stream", opening the shard too', async () => {
    const { shard, poller, reports } = setup({ baseMs: 1, maxMs: 20 });
    shard.openFaults.push(notRetryable(ErrorCode.SourceAccessDenied));
    shard.closed = true;

    await poller.start();

    expect(reports.filter(([kind]) => kind === 'problem')[0]).toEqual(['problem', 'shard-0', ProcessingResult.StreamAccessDenied]);
  });

  it('a batch the worker keeps retrying shows "Function call failed" under its lane while it lasts, then the outcome', async () => {
    // Arrange
    const { shard, dispatcher, poller, reports } = setup();
    dispatcher.problems = [ProcessingResult.FunctionCallFailed, ProcessingResult.FunctionCallFailed];
    shard.append(3);
    shard.closed = true;

    // Act
    await poller.start();

    // Assert: the result is recorded before the lane's problem ends, so the mapping goes straight to it.
    expect(reports).toEqual([
      ['problem', 'shard-0/0', ProcessingResult.FunctionCallFailed],
      ['problem', 'shard-0/0', ProcessingResult.FunctionCallFailed],
      ['result', 'OK'],
      ['problem', 'shard-0/0', undefined],
    ]);
  });

  it('clears what it still shows when it stops (the next owner reports its own)', async () => {
    const { shard, poller, reports } = setup({ baseMs: 1000, maxMs: 1000 });
    shard.faults.push(notRetryable(ErrorCode.SourceInvalid));
    const run = poller.start();
    await new Promise((resolve) => setTimeout(resolve, 30));

    await poller.stop();
    await run;

    expect(reports).toEqual([
      ['problem', 'shard-0', ProcessingResult.StreamRecordsUnreadable],
      ['problem', 'shard-0', undefined],
    ]);
  });
});
