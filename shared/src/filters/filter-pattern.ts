import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';

/** A numeric comparison of a `numeric` rule: `[">", 0, "<=", 5]` is two of them. */
export interface NumericBound {
  readonly op: '=' | '<' | '<=' | '>' | '>=';
  readonly value: number;
}

/**
 * One rule of a leaf's array, compiled. Exact values of one leaf are gathered into one set
 * (`equals`), so `["a","b","c"]` is a single lookup. Value keys: `s<string>`, `n<number text>`,
 * `true`, `false`, `null` (see scalar-key.ts). `numbers` holds the values of the number literals,
 * so a number parsed without its text is compared by text only when its value equals one.
 */
export type LeafCondition =
  | { readonly kind: 'equals' | 'anything-but'; readonly keys: ReadonlySet<string>; readonly numbers: ReadonlySet<number> }
  | { readonly kind: 'anything-but-prefix' | 'anything-but-suffix' | 'anything-but-equals-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'numeric'; readonly bounds: readonly NumericBound[] }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'prefix' | 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string };

/** A pattern field whose value is an array of rules, ORed. */
export interface LeafField {
  readonly kind: 'leaf';
  readonly key: string;
  readonly conditions: readonly LeafCondition[];
  /** The leaf's rules as written, for explanations. */
  readonly rule: string;
}

/** A pattern field whose value is a nested pattern object. */
export interface ObjectField {
  readonly kind: 'object';
  readonly key: string;
  readonly node: PatternNode;
}

/** One object level of a pattern: every field must match (AND), and one alternative of each `$or`. */
export interface PatternNode {
  readonly fields: readonly (LeafField | ObjectField)[];
  readonly anyOf: readonly (readonly PatternNode[])[];
}

/** A filter pattern, parsed and validated once. */
export interface CompiledFilterPattern {
  readonly text: string;
  readonly root: PatternNode;
  /** Top-level field names, `$or` alternatives included (Kinesis decodes `data` only when named). */
  readonly topLevelKeys: ReadonlySet<string>;
  /** Whether an exact or anything-but rule names a number (its text then matters, see raw-json.ts). */
  readonly hasNumberLiterals: boolean;
}

/**
 * A pattern outside Lambda's filter grammar. `message` says what is wrong and where, e.g.
 * `"price": numeric: Value of > must be numeric`.
 */
export class FilterPatternError extends SluiceError {
  constructor(message: string) {
    super(ErrorCode.FilterPatternInvalid, message);
  }
}
