import { compileRecordFilter, filterSourceOf, type EventSourceMapping, type LambdaRecord, type Logger, type RecordFilter } from '@sluice/shared';

/** What the filter reads of a mapping. */
type FilteredMapping = Pick<EventSourceMapping, 'uuid' | 'sourceKind' | 'filterPatterns'>;

export interface FilteredRecords<R> {
  /** Records the function gets, in read order. */
  readonly deliver: R[];
  /** Records no filter matched: consumed (checkpointed past, or deleted from their queue), never delivered. */
  readonly skipped: R[];
}

/**
 * Applies a mapping's FilterCriteria to records as they are read, before batching, so BatchSize
 * counts delivered records. Compiled once per FilterCriteria: an UpdateEventSourceMapping that
 * changes it applies to the next records read. Stream shards and queues use it alike.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
export class MappingFilter {
  private key: string | undefined;
  private filter: RecordFilter | undefined;

  constructor(private readonly log: Logger) {}

  split<R extends { readonly lambdaRecord: LambdaRecord }>(mapping: FilteredMapping, records: readonly R[]): FilteredRecords<R> {
    const filter = this.filterFor(mapping);
    if (filter === undefined) return { deliver: [...records], skipped: [] };
    const deliver: R[] = [];
    const skipped: R[] = [];
    for (const record of records) (filter.matches(record.lambdaRecord) ? deliver : skipped).push(record);
    return { deliver, skipped };
  }

  private filterFor(mapping: FilteredMapping): RecordFilter | undefined {
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
