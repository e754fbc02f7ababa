import {
  compileRecordFilter,
  filterSourceOf,
  type EventSourceMapping,
  type Logger,
  type RecordFilter,
  type StreamRecord,
} from '@sluice/shared';

export interface FilteredRecords {
  /** Records the function gets, in shard order. */
  readonly deliver: StreamRecord[];
  /** Records no filter matched: consumed (checkpointed past), never delivered. */
  readonly skipped: StreamRecord[];
}

/**
 * Applies a mapping's FilterCriteria to records as they are read, before batching, so BatchSize
 * counts delivered records. Compiled once per FilterCriteria: an UpdateEventSourceMapping that
 * changes it applies to the next records read.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export class MappingFilter {
  private key: string | undefined;
  private filter: RecordFilter | undefined;

  constructor(private readonly log: Logger) {}

  split(mapping: EventSourceMapping, records: readonly StreamRecord[]): FilteredRecords {
    const filter = this.filterFor(mapping);
    if (filter === undefined) return { deliver: [...records], skipped: [] };
    const deliver: StreamRecord[] = [];
    const skipped: StreamRecord[] = [];
    for (const record of records) (filter.matches(record.lambdaRecord) ? deliver : skipped).push(record);
    return { deliver, skipped };
  }

  private filterFor(mapping: EventSourceMapping): RecordFilter | undefined {
    const patterns = mapping.filterPatterns ?? [];
    const key = JSON.stringify(patterns);
    if (key === this.key) return this.filter;
    this.key = key;
    try {
      this.filter = patterns.length === 0 ? undefined : compileRecordFilter(patterns, filterSourceOf(mapping.sourceKind));
    } catch (error) {
      // The API refuses such patterns; one stored before it did is not applied rather than dropping
      // records the function may want (delivery stays at least once).
      this.log.error({ err: error, mappingId: mapping.uuid }, 'stored FilterCriteria does not compile; delivering every record');
      this.filter = undefined;
    }
    return this.filter;
  }
}
