import { compileFilterPattern } from './compile-filter-pattern.js';
import { FilterPatternError, type CompiledFilterPattern } from './filter-pattern.js';
import { matchFilterPattern } from './match-filter-pattern.js';
import { parseRawJson } from './raw-json.js';

/**
 * How a source's records are seen by filters:
 * - `kinesis`: the fields of the record's `kinesis` object (partitionKey, sequenceNumber, ...),
 *   with `data` base64-decoded and parsed as JSON. Data that is not JSON fails every pattern that
 *   names `data`; patterns on the other fields still apply.
 * - `dynamodb`: the record as the function gets it (eventName, dynamodb with typed values, ...).
 * - `json`: any JSON object as is (other sources, the test endpoint without a source).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
 */
export type FilterSource = 'kinesis' | 'dynamodb' | 'json';

/** Why a record did not match, per filter, for the test endpoint. */
export interface FilterExplanation {
  readonly matched: boolean;
  readonly reasons: readonly string[];
}

/**
 * A mapping's FilterCriteria, compiled once: a record passes when any filter matches (ORed).
 * No filters means every record passes.
 *
 * @example
 * const filter = compileRecordFilter(['{"data":{"type":["buy"]}}'], 'kinesis');
 * filter.matches(streamRecord.lambdaRecord);
 */
export class RecordFilter {
  private readonly namesData: boolean;
  private readonly rawNumbers: boolean;

  constructor(
    readonly patterns: readonly CompiledFilterPattern[],
    readonly source: FilterSource,
  ) {
    this.namesData = patterns.some((p) => p.topLevelKeys.has('data'));
    this.rawNumbers = patterns.some((p) => p.hasNumberLiterals);
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether Lambda would send this record (its `lambdaRecord` shape) to the function. */
  matches(record: unknown): boolean {
    if (this.patterns.length === 0) return true;
    const view = this.view(record);
    return this.patterns.some((pattern) => (view.dataInvalid && pattern.topLevelKeys.has('data') ? false : matchFilterPattern(pattern, view.value)));
  }

  /** Like {@link matches}, saying for each filter why it did not match. */
  explain(record: unknown): FilterExplanation {
    if (this.patterns.length === 0) return { matched: true, reasons: [] };
    const view = this.view(record);
    const reasons: string[] = [];
    let matched = false;
    this.patterns.forEach((pattern, i) => {
      const own: string[] = [];
      if (view.dataInvalid && pattern.topLevelKeys.has('data')) own.push(`data is not JSON (${view.dataInvalid}), so a pattern on data never matches it`);
      else if (matchFilterPattern(pattern, view.value, own)) matched = true;
      const prefix = this.patterns.length > 1 ? `Filters[${i}]: ` : '';
      reasons.push(...own.map((reason) => `${prefix}${reason}`));
    });
    return { matched, reasons: matched ? [] : reasons };
  }

  private view(record: unknown): { value: unknown; dataInvalid?: string } {
    if (this.source !== 'kinesis') return { value: record };
    const kinesis = isObject(record) && isObject(record.kinesis) ? record.kinesis : isObject(record) ? record : {};
    if (!this.namesData) return { value: kinesis };
    const data = kinesis.data;
    if (typeof data !== 'string') return { value: kinesis, dataInvalid: 'no base64 data' };
    const text = Buffer.from(data, 'base64').toString('utf8');
    try {
      return { value: { ...kinesis, data: this.rawNumbers ? parseRawJson(text) : (JSON.parse(text) as unknown) } };
    } catch {
      return { value: kinesis, dataInvalid: 'the base64-decoded data does not parse as JSON' };
    }
  }
}

/**
 * Compiles a FilterCriteria's patterns for one source. Throws {@link FilterPatternError} naming
 * the filter (`Filters[1]`) and what is wrong with it.
 */
export function compileRecordFilter(patterns: readonly string[], source: FilterSource): RecordFilter {
  const compiled = patterns.map((text, i) => {
    try {
      return compileFilterPattern(text);
    } catch (error) {
      if (error instanceof FilterPatternError) throw new FilterPatternError(`Filters[${i}].Pattern: ${error.message}`);
      throw error;
    }
  });
  return new RecordFilter(compiled, source);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The filter view of a mapping's source: Kinesis streams and consumers decode `data`. */
export function filterSourceOf(kind: 'kinesis' | 'kinesis-consumer' | 'dynamodb'): FilterSource {
  return kind === 'dynamodb' ? 'dynamodb' : 'kinesis';
}
