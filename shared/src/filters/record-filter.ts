import { sourceProfile, type SourceKind } from '../sources/source-kinds.js';
import { compileFilterPattern } from './compile-filter-pattern.js';
import { FilterPatternError, type CompiledFilterPattern } from './filter-pattern.js';
import { matchFilterPattern, matchFilterPatternTextless } from './match-filter-pattern.js';
import { parseRawJson } from './raw-json.js';

/**
 * How a source's records are seen by filters:
 * - `kinesis`: the fields of the record's `kinesis` object (partitionKey, sequenceNumber, ...),
 *   with `data` base64-decoded and parsed as JSON. Data that is not JSON fails every pattern that
 *   names `data`; patterns on the other fields still apply.
 * - `sqs`: the record as the function gets it (messageId, attributes, messageAttributes, ...), with
 *   `body` parsed as JSON; a body that is not JSON is the string it is, so a plain-string pattern
 *   can match it and a JSON pattern cannot.
 * - `dynamodb`: the record as the function gets it (eventName, dynamodb with typed values, ...).
 * - `json`: any JSON object as is (other sources, the test endpoint without a source).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-filtering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
 */
export type FilterSource = 'kinesis' | 'sqs' | 'dynamodb' | 'json';

/** The filter sources, for the test endpoint's SourceType. */
export const FILTER_SOURCES = ['kinesis', 'sqs', 'dynamodb', 'json'] as const satisfies readonly FilterSource[];

/**
 * Where a source's record keeps a payload that filters see parsed: the member's name in the
 * pattern, the fields around it, and the payload's text (undefined when there is none).
 */
interface PayloadView {
  readonly key: string;
  /** A payload that is not JSON is matched as the string it is (SQS), instead of failing every pattern on it (Kinesis). */
  readonly plainTextMatches: boolean;
  /** For the test endpoint's reasons: a record without the payload, and one whose payload is not JSON. */
  readonly missing: string;
  readonly notJson: string;
  fields(record: unknown): Record<string, unknown>;
  text(fields: Record<string, unknown>): string | undefined;
}

const PAYLOAD_VIEWS: Readonly<Record<FilterSource, PayloadView | undefined>> = {
  kinesis: {
    key: 'data',
    plainTextMatches: false,
    missing: 'no base64 data',
    notJson: 'the base64-decoded data does not parse as JSON',
    // The `kinesis` object (or the record, if given bare).
    fields: (record) => (!isObject(record) ? {} : isObject(record.kinesis) ? record.kinesis : record),
    text: (fields) => (typeof fields.data === 'string' ? Buffer.from(fields.data, 'base64').toString('utf8') : undefined),
  },
  sqs: {
    key: 'body',
    // A plain-string body is filtered by a plain-string pattern; a JSON pattern never matches it.
    // https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html
    plainTextMatches: true,
    missing: 'no body',
    notJson: 'the body does not parse as JSON',
    fields: (record) => (isObject(record) ? record : {}),
    text: (fields) => (typeof fields.body === 'string' ? fields.body : undefined),
  },
  dynamodb: undefined,
  json: undefined,
};

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
  private readonly payload: PayloadView | undefined;
  /** A pattern names the payload (Kinesis `data`, SQS `body`). */
  private readonly namesData: boolean;
  /** Every pattern names the payload alone at the top: the view needs no other field. */
  private readonly onlyData: boolean;
  /** A pattern has number literals in exact or anything-but rules: number text may matter. */
  private readonly rawNumbers: boolean;

  constructor(
    readonly patterns: readonly CompiledFilterPattern[],
    readonly source: FilterSource,
  ) {
    this.payload = PAYLOAD_VIEWS[source];
    const key = this.payload?.key;
    this.namesData = key !== undefined && patterns.some((p) => p.topLevelKeys.has(key));
    this.onlyData = key !== undefined && patterns.every((p) => p.topLevelKeys.size === 1 && p.topLevelKeys.has(key));
    this.rawNumbers = patterns.some((p) => p.hasNumberLiterals);
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether Lambda would send this record (its `lambdaRecord` shape) to the function. */
  matches(record: unknown): boolean {
    if (this.patterns.length === 0) return true;
    const payload = this.payload;
    if (payload === undefined || !this.namesData) {
      const value = payload === undefined ? record : payload.fields(record);
      for (const pattern of this.patterns) if (matchFilterPattern(pattern, value)) return true;
      return false;
    }
    // The payload is parsed once with JSON.parse; only a number that equals a number literal of
    // the pattern in value sends the record through parseRawJson, whose numbers keep their text.
    const fields = payload.fields(record);
    const text = payload.text(fields);
    const json = text === undefined ? undefined : parseOrUndefined(text);
    const data = json ?? (text !== undefined && payload.plainTextMatches ? { value: text } : undefined);
    const withPayload = (parsed: unknown) => (this.onlyData ? { [payload.key]: parsed } : { ...fields, [payload.key]: parsed });
    const value = data === undefined ? fields : withPayload(data.value);
    let raw: unknown;
    for (const pattern of this.patterns) {
      if (data === undefined) {
        if (!pattern.topLevelKeys.has(payload.key) && matchFilterPattern(pattern, value)) return true;
        continue;
      }
      const matched = this.rawNumbers ? matchFilterPatternTextless(pattern, value) : matchFilterPattern(pattern, value);
      if (matched === true) return true;
      if (matched === undefined) {
        raw ??= json === undefined ? value : withPayload(parseRawJson(text!));
        if (matchFilterPattern(pattern, raw)) return true;
      }
    }
    return false;
  }

  /** Like {@link matches}, saying for each filter why it did not match. */
  explain(record: unknown): FilterExplanation {
    if (this.patterns.length === 0) return { matched: true, reasons: [] };
    const view = this.view(record);
    const key = this.payload?.key;
    const reasons: string[] = [];
    let matched = false;
    this.patterns.forEach((pattern, i) => {
      const own: string[] = [];
      if (view.dataInvalid && key !== undefined && pattern.topLevelKeys.has(key)) own.push(`${key} is not JSON (${view.dataInvalid}), so a pattern on ${key} never matches it`);
      else if (matchFilterPattern(pattern, view.value, own)) matched = true;
      const prefix = this.patterns.length > 1 ? `Filters[${i}]: ` : '';
      reasons.push(...own.map((reason) => `${prefix}${reason}`));
    });
    return { matched, reasons: matched ? [] : reasons };
  }

  /** The record as explain() matches it: the payload parsed, numbers with their text. */
  private view(record: unknown): { value: unknown; dataInvalid?: string } {
    const payload = this.payload;
    if (payload === undefined) return { value: record };
    const fields = payload.fields(record);
    if (!this.namesData) return { value: fields };
    const text = payload.text(fields);
    if (text === undefined) return { value: fields, dataInvalid: payload.missing };
    try {
      return { value: { ...fields, [payload.key]: parseRawJson(text) } };
    } catch {
      if (payload.plainTextMatches) return { value: { ...fields, [payload.key]: text } };
      return { value: fields, dataInvalid: payload.notJson };
    }
  }
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

/** The filter view of a mapping's source, as its kind's profile names it. */
export function filterSourceOf(kind: SourceKind): FilterSource {
  return sourceProfile(kind).filterSource;
}
