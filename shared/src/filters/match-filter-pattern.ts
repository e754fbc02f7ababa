import type { CompiledFilterPattern, LeafCondition, LeafField, PatternNode } from './filter-pattern.js';
import { isScalar, numericValue, rawJsonText, scalarKey } from './scalar-key.js';

/**
 * Whether a value (a record's filter view) matches a compiled pattern. With `reasons`, it also
 * says why not: each failing field with the rule it failed, e.g.
 * `data.order.type: "sell" does not match ["buy"]`.
 *
 * Rules, as Lambda applies EventBridge's: every field named in the pattern must exist (except
 * under `{"exists": false}`); an array in the event matches when any element matches; a nested
 * pattern over an array of objects matches when one element matches it whole; `exists` looks at
 * leaf values only (an object or an empty array is not one).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-exists-matching
 */
export function matchFilterPattern(pattern: CompiledFilterPattern, value: unknown, reasons?: string[]): boolean {
  return matchNode(pattern.root, value, '', reasons, { textless: false, ambiguous: false });
}

/**
 * For values parsed with `JSON.parse`, whose numbers lost their text: matches as far as values
 * tell, and answers `undefined` when a number equals a number literal of the pattern in value, so
 * only its text can decide (300 against 300.0). The caller then parses with parseRawJson.
 */
export function matchFilterPatternTextless(pattern: CompiledFilterPattern, value: unknown): boolean | undefined {
  const context = { textless: true, ambiguous: false };
  const matched = matchNode(pattern.root, value, '', undefined, context);
  return context.ambiguous ? undefined : matched;
}

interface MatchContext {
  /** Plain numbers came from text whose form is unknown. */
  readonly textless: boolean;
  /** Set when such a number met a number literal of equal value. */
  ambiguous: boolean;
}

function matchNode(node: PatternNode, object: unknown, path: string, reasons: string[] | undefined, ctx: MatchContext): boolean {
  const target = object !== null && typeof object === 'object' && !isScalar(object) && !Array.isArray(object) ? (object as Record<string, unknown>) : undefined;
  let ok = true;
  for (const field of node.fields) {
    const value = target === undefined || !Object.hasOwn(target, field.key) ? undefined : target[field.key];
    const where = reasons === undefined ? '' : path === '' ? field.key : `${path}.${field.key}`;
    const matched = field.kind === 'leaf' ? matchLeafField(field, value, where, reasons, ctx) : matchObjectField(field.node, value, where, reasons, ctx);
    if (!matched) {
      ok = false;
      if (reasons === undefined) return false;
    }
  }
  for (const alternatives of node.anyOf) {
    const inner = reasons === undefined ? undefined : ([] as string[]);
    if (!anyAlternative(alternatives, object, path, inner, ctx)) {
      ok = false;
      if (reasons === undefined) return false;
      reasons.push(`none of the $or alternatives${path === '' ? '' : ` under ${path}`} matched: ${inner!.join('; ')}`);
    }
  }
  return ok;
}

function anyAlternative(alternatives: readonly PatternNode[], object: unknown, path: string, reasons: string[] | undefined, ctx: MatchContext): boolean {
  for (const alternative of alternatives) if (matchNode(alternative, object, path, reasons, ctx)) return true;
  return false;
}

function matchObjectField(node: PatternNode, value: unknown, where: string, reasons: string[] | undefined, ctx: MatchContext): boolean {
  if (Array.isArray(value)) {
    for (const element of value) {
      if (element !== null && typeof element === 'object' && !isScalar(element) && matchNode(node, element, where, undefined, ctx)) return true;
    }
    if (reasons !== undefined) {
      const elements = value.filter((element) => element !== null && typeof element === 'object' && !isScalar(element));
      if (elements.length === 0) matchNode(node, undefined, where, reasons, ctx);
      else reasons.push(`${where}: no element of the array matches (${elements.map((e, i) => explainElement(node, e, `${where}[${i}]`, ctx)).join('; ')})`);
    }
    return false;
  }
  // A scalar or a missing field: only `exists: false` leaves below can still hold.
  return matchNode(node, value, where, reasons, ctx);
}

function explainElement(node: PatternNode, element: unknown, where: string, ctx: MatchContext): string {
  const reasons: string[] = [];
  matchNode(node, element, where, reasons, ctx);
  return reasons.join('; ');
}

function matchLeafField(field: LeafField, value: unknown, where: string, reasons: string[] | undefined, ctx: MatchContext): boolean {
  const present = hasLeafValue(value);
  for (const condition of field.conditions) {
    if (condition.kind === 'exists') {
      if (condition.exists === present) return true;
    } else if (present && matchesAnyValue(condition, value, ctx)) {
      return true;
    }
  }
  if (reasons !== undefined) {
    reasons.push(
      present
        ? `${where}: ${rawJsonText(value)} does not match ${field.rule}`
        : value === undefined
          ? `${where} is missing (the pattern requires ${field.rule})`
          : `${where} is ${Array.isArray(value) ? 'an empty array' : 'an object'}, not a value (the pattern requires ${field.rule})`,
    );
  }
  return false;
}

/** Whether the field holds at least one leaf value: a scalar, or an array with a scalar somewhere in it. */
function hasLeafValue(value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.some(hasLeafValue);
  return isScalar(value);
}

function matchesAnyValue(condition: LeafCondition, value: unknown, ctx: MatchContext): boolean {
  if (Array.isArray(value)) return value.some((element) => matchesAnyValue(condition, element, ctx));
  return isScalar(value) && matchScalar(condition, value, ctx);
}

function matchScalar(condition: LeafCondition, value: unknown, ctx: MatchContext): boolean {
  switch (condition.kind) {
    case 'equals':
    case 'anything-but': {
      if (ctx.textless && typeof value === 'number' && condition.numbers.has(value)) ctx.ambiguous = true;
      const found = condition.keys.has(scalarKey(value) ?? '');
      return condition.kind === 'equals' ? found : !found;
    }
    case 'numeric': {
      const n = numericValue(value);
      return n !== undefined && condition.bounds.every((b) => compare(n, b.op, b.value));
    }
    case 'exists':
      return true;
    default:
      return typeof value === 'string' && matchString(condition, value);
  }
}

function matchString(condition: LeafCondition, value: string): boolean {
  switch (condition.kind) {
    case 'prefix':
      return (condition.ignoreCase ? value.toLowerCase() : value).startsWith(condition.value);
    case 'suffix':
      return (condition.ignoreCase ? value.toLowerCase() : value).endsWith(condition.value);
    case 'equals-ignore-case':
      return value.toLowerCase() === condition.value;
    case 'anything-but-prefix':
      return condition.values.every((v) => !value.startsWith(v));
    case 'anything-but-suffix':
      return condition.values.every((v) => !value.endsWith(v));
    case 'anything-but-equals-ignore-case': {
      const lower = value.toLowerCase();
      return condition.values.every((v) => v !== lower);
    }
    default:
      return false;
  }
}

function compare(n: number, op: string, bound: number): boolean {
  switch (op) {
    case '=':
      return n === bound;
    case '<':
      return n < bound;
    case '<=':
      return n <= bound;
    case '>':
      return n > bound;
    default:
      return n >= bound;
  }
}
