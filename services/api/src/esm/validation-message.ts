import type { z } from 'zod';
import { invalidParameter, type LambdaApiError } from '../errors/lambda-api-error.js';

/**
 * Turns zod issues into the sentence AWS's request validation writes, e.g.
 * "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint:
 * Member must have value greater than or equal to 1". Field paths are lowerCamel, as AWS writes them.
 */
export function validationError(issues: readonly z.core.$ZodIssue[], input: unknown): LambdaApiError {
  const parts = issues.map((issue) => describe(issue, input));
  const count = parts.length === 1 ? '1 validation error detected' : `${parts.length} validation errors detected`;
  return invalidParameter(`${count}: ${parts.join('; ')}`);
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length === 0 ? '' : ` in '${fieldPath(issue.path)}'`;
    return `Unsupported parameter${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}`;
  }
  const value = valueAt(input, issue.path);
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return `Value ${shown} at '${fieldPath(issue.path)}' failed to satisfy constraint: ${constraint(issue, value)}`;
}

function constraint(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'number' || issue.origin === 'int'
        ? `Member must have value greater than or equal to ${issue.minimum}`
        : `Member must have length greater than or equal to ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'number' || issue.origin === 'int'
        ? `Member must have value less than or equal to ${issue.maximum}`
        : `Member must have length less than or equal to ${issue.maximum}`;
    case 'invalid_value':
      return `Member must satisfy enum value set: [${issue.values.join(', ')}]`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue
        ? `Member must satisfy regular expression pattern: ${String(issue.pattern)}`
        : `Member must be a valid ${issue.format}`;
    case 'invalid_type':
      return value === undefined || value === null ? 'Member must not be null' : `Member must be of type ${issue.expected}`;
    default:
      return issue.message;
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `${p}` : String(p).charAt(0).toLowerCase() + String(p).slice(1)))
    .join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * AWS's JSON reader treats an explicit null as an absent member; so do we. A copy made with a work
 * list, not recursion, so no value's depth can overflow the stack here (the body parser refuses
 * JSON nested past MAX_JSON_DEPTH too). Members keep their order; arrays keep their nulls.
 */
export function dropNulls(body: unknown): unknown {
  const pending: { readonly from: object; readonly to: unknown[] | Record<string, unknown> }[] = [];
  const copy = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const to = Array.isArray(value) ? [] : {};
    pending.push({ from: value, to });
    return to;
  };
  const root = copy(body);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { from, to } = next;
    if (Array.isArray(to)) {
      for (const item of from as unknown[]) to.push(copy(item));
      continue;
    }
    for (const [key, value] of Object.entries(from)) {
      // defineProperty, not assignment: a member named __proto__ stays a member, as JSON.parse made it.
      if (value !== null) Object.defineProperty(to, key, { value: copy(value), enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

/** Parses a request body with a schema, answering AWS's validation sentence on failure. */
export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidParameter('The request body must be a JSON object.');
  }
  const input = dropNulls(body);
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error.issues, input);
  return result.data;
}
