import { FilterPatternError, type LeafCondition, type NumericBound } from './filter-pattern.js';
import { JsonNumber, type RawJsonValue } from './raw-json.js';
import { rawJsonText, scalarKey } from './scalar-key.js';

/**
 * Compiles one leaf's array of rules. The grammar is Lambda's: exact values (string, number,
 * boolean, null, ""), `anything-but`, `numeric`, `exists`, `prefix`, `suffix`,
 * `equals-ignore-case`. `wildcard` and `cidr` are EventBridge operators Lambda's filter syntax
 * does not list, so they are refused like any unknown operator.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 */
export function compileLeaf(rules: readonly RawJsonValue[], where: string): { conditions: LeafCondition[]; hasNumberLiterals: boolean } {
  const equals = new Set<string>();
  const numbers = new Set<number>();
  const conditions: LeafCondition[] = [];
  let hasNumberLiterals = false;
  for (const rule of rules) {
    if (rule instanceof JsonNumber) {
      hasNumberLiterals = true;
      numbers.add(rule.value);
    }
    const key = scalarKey(rule);
    if (key !== undefined) {
      equals.add(key);
      continue;
    }
    if (Array.isArray(rule) || rule === null || typeof rule !== 'object') {
      throw new FilterPatternError(`${where}: Match value must be String, number, true, false, or null; found ${rawJsonText(rule)}`);
    }
    const entries = Object.entries(rule);
    if (entries.length !== 1) throw new FilterPatternError(`${where}: Only one key allowed in match expression; found ${rawJsonText(rule)}`);
    const [operator, operand] = entries[0]!;
    const condition = compileOperator(operator, operand, where);
    if (condition.kind === 'anything-but' && condition.numbers.size > 0) hasNumberLiterals = true;
    conditions.push(condition);
  }
  if (equals.size > 0) conditions.unshift({ kind: 'equals', keys: equals, numbers });
  return { conditions, hasNumberLiterals };
}

function compileOperator(operator: string, operand: RawJsonValue, where: string): LeafCondition {
  const at = `${where}: ${operator}`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { kind: operator, ...stringOrIgnoreCase(operand, at) };
    case 'equals-ignore-case':
      if (typeof operand !== 'string') throw new FilterPatternError(`${at} match pattern must be a string`);
      return { kind: 'equals-ignore-case', value: operand.toLowerCase() };
    case 'exists':
      if (typeof operand !== 'boolean') throw new FilterPatternError(`${at} match pattern must be either true or false`);
      return { kind: 'exists', exists: operand };
    case 'numeric':
      return { kind: 'numeric', bounds: numericBounds(operand, at) };
    case 'anything-but':
      return anythingBut(operand, at);
    case 'wildcard':
      throw new FilterPatternError(`${at}: Unrecognized match type wildcard (EventBridge has it; Lambda event filtering does not)`);
    default:
      throw new FilterPatternError(`${where}: Unrecognized match type ${operator}`);
  }
}

/** `{"prefix": "us-"}` or `{"prefix": {"equals-ignore-case": "US-"}}`; the same for suffix. */
function stringOrIgnoreCase(operand: RawJsonValue, at: string): { value: string; ignoreCase: boolean } {
  if (typeof operand === 'string') return { value: operand, ignoreCase: false };
  if (operand !== null && typeof operand === 'object' && !Array.isArray(operand) && !(operand instanceof JsonNumber)) {
    const entries = Object.entries(operand);
    if (entries.length === 1 && entries[0]![0] === 'equals-ignore-case') {
      const inner = entries[0]![1];
      if (typeof inner !== 'string') throw new FilterPatternError(`${at}: equals-ignore-case match pattern must be a string`);
      return { value: inner.toLowerCase(), ignoreCase: true };
    }
    throw new FilterPatternError(`${at}: only equals-ignore-case may be nested in ${at.split(': ').at(-1)}; found ${rawJsonText(operand)}`);
  }
  throw new FilterPatternError(`${at} match pattern must be a string`);
}

/**
 * `anything-but` takes a string or number, a non-empty list of them, or one of `prefix`, `suffix`,
 * `equals-ignore-case` (a string or list of strings). EventBridge's documented forms.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-anything-but
 */
function anythingBut(operand: RawJsonValue, at: string): LeafCondition {
  if (typeof operand === 'string' || operand instanceof JsonNumber) {
    return { kind: 'anything-but', keys: new Set([scalarKey(operand)!]), numbers: new Set(operand instanceof JsonNumber ? [operand.value] : []) };
  }
  if (Array.isArray(operand)) {
    if (operand.length === 0) throw new FilterPatternError(`${at}: Empty arrays are not allowed`);
    const keys = operand.map((value) => {
      if (typeof value !== 'string' && !(value instanceof JsonNumber)) {
        throw new FilterPatternError(`${at}: Inside anything-but list, only strings and numbers are allowed; found ${rawJsonText(value)}`);
      }
      return scalarKey(value)!;
    });
    const numbers = operand.flatMap((value) => (value instanceof JsonNumber ? [value.value] : []));
    return { kind: 'anything-but', keys: new Set(keys), numbers: new Set(numbers) };
  }
  if (operand !== null && typeof operand === 'object') {
    const entries = Object.entries(operand);
    if (entries.length !== 1) throw new FilterPatternError(`${at}: Only one key allowed in match expression; found ${rawJsonText(operand)}`);
    const [inner, value] = entries[0]!;
    if (inner !== 'prefix' && inner !== 'suffix' && inner !== 'equals-ignore-case') {
      throw new FilterPatternError(`${at}: Unsupported anything-but pattern: ${inner}`);
    }
    const values = typeof value === 'string' ? [value] : Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
    if (values === undefined) throw new FilterPatternError(`${at}/${inner} match pattern must be a string or a non-empty list of strings`);
    if (inner !== 'equals-ignore-case' && values.some((v) => v === '')) throw new FilterPatternError(`${at}/${inner}: Null prefix/suffix not allowed`);
    return { kind: `anything-but-${inner}`, values: inner === 'equals-ignore-case' ? values.map((v) => v.toLowerCase()) : values };
  }
  throw new FilterPatternError(`${at}: Value of anything-but must be an array, an object or a single string/number value`);
}

/**
 * `["=", 5]`, `["<", 5]`, ... or a range `[">" | ">=", low, "<" | "<=", high]` with low < high.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#filtering-numeric-matching
 */
function numericBounds(operand: RawJsonValue, at: string): NumericBound[] {
  if (!Array.isArray(operand)) throw new FilterPatternError(`${at}: Value of numeric must be an array`);
  if (operand.length !== 2 && operand.length !== 4) {
    throw new FilterPatternError(`${at}: expects an operator and a number, or a range of two (e.g. [">", 0, "<=", 5]); found ${rawJsonText(operand)}`);
  }
  const bounds: NumericBound[] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const value = operand[i + 1];
    if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') {
      throw new FilterPatternError(`${at}: Unrecognized numeric range operator: ${rawJsonText(op)}`);
    }
    if (!(value instanceof JsonNumber)) throw new FilterPatternError(`${at}: Value of ${op === '=' ? 'equals' : op} must be numeric; found ${rawJsonText(value)}`);
    bounds.push({ op, value: value.value });
  }
  if (bounds.length === 2) {
    const [low, high] = bounds as [NumericBound, NumericBound];
    if (low.op !== '>' && low.op !== '>=') throw new FilterPatternError(`${at}: a range starts with > or >=; found ${low.op}`);
    if (high.op !== '<' && high.op !== '<=') throw new FilterPatternError(`${at}: Bad numeric range operator: ${high.op} (a range ends with < or <=)`);
    if (high.value <= low.value) throw new FilterPatternError(`${at}: Bottom must be less than top`);
  }
  return bounds;
}
