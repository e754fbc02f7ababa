import { compileLeaf } from './compile-leaf.js';
import { FilterPatternError, type CompiledFilterPattern, type LeafField, type ObjectField, type PatternNode } from './filter-pattern.js';
import { JsonNumber, RawJsonSyntaxError, parseRawJson, type RawJsonValue } from './raw-json.js';
import { rawJsonText } from './scalar-key.js';

/** The longest Pattern Lambda accepts (Filter.Pattern, 0-4096 characters). */
export const MAX_FILTER_PATTERN_LENGTH = 4096;

type RawObject = { [key: string]: RawJsonValue };

/**
 * Parses and validates one FilterCriteria pattern into a matcher tree, once. The single source of
 * truth for what Lambda's filter grammar accepts: the API validates with it and the poller matches
 * with what it returns. Throws {@link FilterPatternError} saying what is wrong and where.
 * Within a pattern, fields are ANDed; duplicate keys: the last one wins (as JSON parsers do).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 *
 * @example
 * const pattern = compileFilterPattern('{"data":{"order":{"type":["buy"]}}}');
 */
export function compileFilterPattern(text: string): CompiledFilterPattern {
  if (text.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new FilterPatternError(`the pattern has ${text.length} characters; at most ${MAX_FILTER_PATTERN_LENGTH} are allowed`);
  }
  let parsed: RawJsonValue;
  try {
    parsed = parseRawJson(text);
  } catch (error) {
    const detail = error instanceof RawJsonSyntaxError ? error.message : String(error);
    throw new FilterPatternError(`the pattern is not valid JSON (${detail})`);
  }
  if (!isObject(parsed)) throw new FilterPatternError(`the pattern must be a JSON object; found ${rawJsonText(parsed)}`);
  const state = { hasNumberLiterals: false };
  const root = compileNode(parsed, '', state);
  return { text, root, topLevelKeys: topLevelKeys(root), hasNumberLiterals: state.hasNumberLiterals };
}

function compileNode(object: RawObject, path: string, state: { hasNumberLiterals: boolean }): PatternNode {
  const fields: (LeafField | ObjectField)[] = [];
  const anyOf: PatternNode[][] = [];
  for (const [key, value] of Object.entries(object)) {
    const where = JSON.stringify(path === '' ? key : `${path}.${key}`);
    if (key === '$or') {
      anyOf.push(compileOr(value, path, state));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPatternError(`${where}: Empty arrays are not allowed`);
      const leaf = compileLeaf(value, where);
      state.hasNumberLiterals ||= leaf.hasNumberLiterals;
      fields.push({ kind: 'leaf', key, conditions: leaf.conditions, rule: rawJsonText(value) });
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0) throw new FilterPatternError(`${where}: an object in a pattern must name at least one field`);
      fields.push({ kind: 'object', key, node: compileNode(value, path === '' ? key : `${path}.${key}`, state) });
    } else {
      throw new FilterPatternError(`${where} must be an object or an array; found ${rawJsonText(value)} (put the values to match in an array, e.g. [${rawJsonText(value)}])`);
    }
  }
  return { fields, anyOf };
}

/**
 * `"$or": [{...}, {...}]`: at least two alternative patterns, each an object.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-complex-example-or
 */
function compileOr(value: RawJsonValue, path: string, state: { hasNumberLiterals: boolean }): PatternNode[] {
  const where = path === '' ? '"$or"' : JSON.stringify(`${path}.$or`);
  if (!Array.isArray(value) || value.length < 2) {
    throw new FilterPatternError(`${where} must be an array of at least two pattern objects`);
  }
  return value.map((alternative) => {
    if (!isObject(alternative) || Object.keys(alternative).length === 0) {
      throw new FilterPatternError(`${where}: each alternative must be a non-empty pattern object; found ${rawJsonText(alternative)}`);
    }
    return compileNode(alternative, path, state);
  });
}

function topLevelKeys(root: PatternNode): Set<string> {
  const keys = new Set(root.fields.map((f) => f.key));
  for (const alternatives of root.anyOf) for (const node of alternatives) for (const key of topLevelKeys(node)) keys.add(key);
  return keys;
}

function isObject(value: RawJsonValue): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof JsonNumber);
}
