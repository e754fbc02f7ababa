import { compileFilterPattern } from './compile-filter-pattern.js';
import { FilterPatternError, type CompiledFilterPattern } from './filter-pattern.js';
import { matchFilterPattern, matchFilterPatternTextless } from './match-filter-pattern.js';
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
  /** Every pattern names `data` alone at the top: the view needs no other Kinesis field. */
  private readonly onlyData: boolean;
  /** A pattern has number literals in exact or anything-but rules: number text may matter. */
  private readonly rawNumbers: boolean;

  constructor(
    readonly patterns: readonly CompiledFilterPattern[],
    readonly source: FilterSource,
  ) {
    this.namesData = patterns.some((p) => p.topLevelKeys.has('data'));
    this.onlyData = patterns.every((p) => p.topLevelKeys.size === 1 && p.topLevelKeys.has('data'));
    this.rawNumbers = patterns.some((p) => p.hasNumberLiterals);
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether Lambda would send this record (its `lambdaRecord` shape) to the function. */
  matches(record: unknown): boolean {
    if (this.patterns.length === 0) return true;
    if (this.source !== 'kinesis' || !this.namesData) {
      const value = this.source === 'kinesis' ? kinesisFields(record) : record;
      for (const pattern of this.patterns) if (matchFilterPattern(pattern, value)) return true;
      return false;
    }
    // Kinesis data is parsed once with JSON.parse; only a number that equals a number literal of
    // the pattern in value sends the record through parseRawJson, whose numbers keep their text.
    const kinesis = kinesisFields(record);
    const text = decodeData(kinesis);
    const data = text === undefined ? undefined : parseOrUndefined(text);
    const value = data === undefined ? kinesis : this.onlyData ? { data: data.value } : { ...kinesis, data: data.value };
    let raw: unknown;
    for (const pattern of this.patterns) {
      if (data === undefined) {
        if (!pattern.topLevelKeys.has('data') && matchFilterPattern(pattern, value)) return true;
        continue;
      }
      const matched = this.rawNumbers ? matchFilterPatternTextless(pattern, value) : matchFilterPattern(pattern, value);
      if (matched === true) return true;
      if (matched === undefined) {
        raw ??= this.onlyData ? { data: parseRawJson(text!) } : { ...kinesis, data: parseRawJson(text!) };
        if (matchFilterPattern(pattern, raw)) return true;
      }
    }
    return false;
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

  /** The record as explain() matches it: Kinesis data decoded, numbers with their text. */
  private view(record: unknown): { value: unknown; dataInvalid?: string } {
    if (this.source !== 'kinesis') return { value: record };
    const kinesis = kinesisFields(record);
    if (!this.namesData) return { value: kinesis };
    const text = decodeData(kinesis);
    if (text === undefined) return { value: kinesis, dataInvalid: 'no base64 data' };
    try {
      return { value: { ...kinesis, data: parseRawJson(text) } };
    } catch {
      return { value: kinesis, dataInvalid: 'the base64-decoded data does not parse as JSON' };
    }
  }
}

/** The fields a Kinesis filter sees: the record's `kinesis` object (or the record, if given bare). */
function kinesisFields(record: unknown): Record<string, unknown> {
  if (!isObject(record)) return {};
  return isObject(record.kinesis) ? record.kinesis : record;
}

function decodeData(kinesis: Record<string, unknown>): string | undefined {
  return typeof kinesis.data === 'string' ? Buffer.from(kinesis.data, 'base64').toString('utf8') : undefined;
}

function parseOrUndefined(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
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
