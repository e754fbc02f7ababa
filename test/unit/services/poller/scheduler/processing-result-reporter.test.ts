import { describe, expect, it } from 'vitest';
import { createLogger, ProcessingResult } from '@sluice/shared';
import { ProcessingResultReporter } from '../../../../../services/poller/src/scheduler/processing-result-reporter.js';

/** A mapping store that records each LastProcessingResult write (faked dependency). */
function setup() {
  const writes: [string, string][] = [];
  const store = { setLastProcessingResult: async (id: string, result: string) => void writes.push([id, result]) };
  return { writes, reporter: new ProcessingResultReporter(store, createLogger({ level: 'silent' })) };
}

describe('ProcessingResultReporter', () => {
  it('shows a problem while it lasts, whatever batches of other shards come to, and the last result once it is over', () => {
    const { writes, reporter } = setup();

    reporter.report('m', 'OK');
    reporter.problem('m', 'shard-1', ProcessingResult.StreamReadFailed);
    reporter.report('m', 'OK'); // shard-2 delivers meanwhile
    reporter.problem('m', 'shard-1', ProcessingResult.StreamReadFailed);
    reporter.problem('m', 'shard-1', undefined);

    expect(writes).toEqual([
      ['m', 'OK'],
      ['m', ProcessingResult.StreamReadFailed],
      ['m', 'OK'],
    ]);
  });

  it('shows the oldest of several problems, then the next one, and writes only changes', () => {
    const { writes, reporter } = setup();

    reporter.problem('m', 'shard-1/0', ProcessingResult.FunctionCallFailed);
    reporter.problem('m', 'shard-2', ProcessingResult.StreamReadFailed);
    reporter.problem('m', 'shard-1/0', undefined);
    reporter.report('m', ProcessingResult.FunctionCallFailed); // the batch was given up on
    reporter.problem('m', 'shard-2', undefined);
    reporter.report('n', 'OK');

    expect(writes).toEqual([
      ['m', ProcessingResult.FunctionCallFailed],
      ['m', ProcessingResult.StreamReadFailed],
      ['m', ProcessingResult.FunctionCallFailed],
      ['n', 'OK'],
    ]);
  });
});
