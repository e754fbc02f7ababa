import type { Logger, MappingStore } from '@sluice/shared';

interface MappingResults {
  /** The last batch's result. */
  last: string | undefined;
  /** Problems going on now, by key (a shard's reads, a lane's batch), oldest first. */
  readonly problems: Map<string, string>;
  /** What the store holds, as far as this process wrote it. */
  written: string | undefined;
}

/**
 * Writes a mapping's LastProcessingResult when it changes. Two kinds of news come in: the result
 * of each finished batch ("OK", or "PROBLEM: Function call failed" for one given up on), and
 * problems going on now under a key of the reporter's caller (a shard that cannot be read, a batch
 * the worker keeps retrying), each until it is over. While any problem goes on, the mapping shows
 * the oldest one; once none does, the last batch's result. So an outage shows as PROBLEM throughout
 * and OK comes back with the first batch after it, and shards that are fine do not flip a mapping
 * back to OK while one of its shards still fails. Most reports change nothing: nothing is written.
 */
export class ProcessingResultReporter {
  private readonly mappings = new Map<string, MappingResults>();

  constructor(
    private readonly store: Pick<MappingStore, 'setLastProcessingResult'>,
    private readonly logger: Logger,
  ) {}

  report(mappingId: string, result: string): void {
    const state = this.stateOf(mappingId);
    state.last = result;
    this.write(mappingId, state);
  }

  /** A problem under `key` goes on (or changes), or is over (undefined). */
  problem(mappingId: string, key: string, problem: string | undefined): void {
    const state = this.stateOf(mappingId);
    if (problem === undefined) state.problems.delete(key);
    else state.problems.set(key, problem);
    this.write(mappingId, state);
  }

  private stateOf(mappingId: string): MappingResults {
    let state = this.mappings.get(mappingId);
    if (state === undefined) {
      state = { last: undefined, problems: new Map(), written: undefined };
      this.mappings.set(mappingId, state);
    }
    return state;
  }

  private write(mappingId: string, state: MappingResults): void {
    const shown = state.problems.values().next().value ?? state.last;
    if (shown === undefined || shown === state.written) return;
    state.written = shown;
    this.store.setLastProcessingResult(mappingId, shown).catch((error: unknown) => {
      if (state.written === shown) state.written = undefined;
      this.logger.warn({ err: error, mappingId }, 'recording LastProcessingResult failed');
    });
  }
}
