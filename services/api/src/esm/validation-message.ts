import { z } from 'zod';
import { invalidParameter, validationException, type LambdaApiError } from '../errors/lambda-api-error.js';

/**
 * Turns zod issues into the sentence AWS's request framework writes when a request breaks the API
 * model's own constraints, as a ValidationException (HTTP 400), e.g. "1 validation error detected:
 * Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or
 * equal to 1"; "N validation errors detected: ...; ..." for several. Member paths are lowerCamel
 * (`scalingConfig.maximumConcurrency`), a list's or a map's faults are reported once at the list
 * or map, with its value as Java prints it (`[a, b]`, `{k=v}`). Recorded on AWS: the enum form
 * (test_create_starting_position_validation_exceptions in LocalStack's
 * tests/aws/services/lambda_/event_source_mapping/test_api.snapshot.json), the list forms
 * ("Member must have length less than or equal to 1", "Member must satisfy constraint: [Member
 * must satisfy enum value set: [x86_64, arm64], Member must not be null]": test_create_lambda_exceptions
 * in tests/aws/services/lambda_/test_lambda_api.snapshot.json). The map form ("Map keys must
 * satisfy constraint: [...]", "Map value must satisfy constraint: [...]") is the same framework's
 * wording for maps, not recorded for Lambda. Members the schema does not know are Sluice's refusal
 * (AWS's reader ignores them): InvalidParameterValueException, naming them.
 */
export function validationError(issues: readonly z.core.$ZodIssue[], input: unknown, schema?: z.ZodType): LambdaApiError {
  const unknown = issues.filter((issue) => issue.code === 'unrecognized_keys');
  if (unknown.length > 0) return invalidParameter(unknown.map(describeUnknown).join('; '));
  const byMember = new Map<string, string>();
  for (const issue of issues) {
    const { path, text } = describe(issue, input, schema);
    if (!byMember.has(path)) byMember.set(path, text);
  }
  const parts = [...byMember.values()];
  const count = parts.length === 1 ? '1 validation error detected' : `${parts.length} validation errors detected`;
  return validationException(`${count}: ${parts.join('; ')}`);
}

function describeUnknown(issue: z.core.$ZodIssue): string {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const where = issue.path.length === 0 ? '' : ` in '${fieldPath(issue.path)}'`;
  return `Unsupported parameter${keys.length > 1 ? 's' : ''}${where}: ${keys.join(', ')}`;
}

/** One error line, keyed by the member it is reported at (a list's or a map's faults at the list or map). */
function describe(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType | undefined): { path: string; text: string } {
  const container = containerOf(issue, schema);
  const at = container === undefined ? issue.path : issue.path.slice(0, -1);
  const value = valueAt(input, at);
  const own = constraint(issue, issue.code === 'invalid_key' ? undefined : valueAt(input, issue.path));
  let rule = own;
  if (issue.code === 'invalid_key') rule = `Map keys must satisfy constraint: [${constraint(issue.issues[0] ?? issue, undefined)}]`;
  else if (container === 'record') rule = `Map value must satisfy constraint: [${own}]`;
  else if (container === 'array') rule = `Member must satisfy constraint: [${own}, Member must not be null]`;
  const path = fieldPath(at);
  return { path, text: `Value ${shown(value)} at '${path}' failed to satisfy constraint: ${rule}` };
}

/** Whether the issue is about an element of a list or a map (the member it is reported at is their parent). */
function containerOf(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): 'array' | 'record' | undefined {
  if (issue.code === 'invalid_key') return 'record';
  if (schema === undefined || issue.path.length === 0) return undefined;
  const parent = schemaAt(schema, issue.path.slice(0, -1));
  const type = parent?._zod.def.type;
  return type === 'array' || type === 'record' ? type : undefined;
}

/** The schema a path leads to, through optional and default wrappers; undefined where it cannot tell. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (node === undefined) return undefined;
    const def = node._zod.def as unknown as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType };
    const next: z.ZodType | undefined = def.type === 'object' ? def.shape?.[String(key)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    node = next === undefined ? undefined : unwrap(next);
  }
  return node;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (;;) {
    const def = node._zod.def as unknown as { type: string; innerType?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType !== undefined) node = def.innerType;
    else return node;
  }
}

/** A value as AWS's framework prints it: quoted, lists `[a, b]` and maps `{k=v}` as Java does, null bare. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  return `'${javaString(value)}'`;
}

function javaString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([k, v]) => `${k}=${javaString(v)}`).join(', ')}}`;
  return String(value);
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
      // modelPattern() puts the model's own pattern text in the message.
      return issue.format === 'regex' ? `Member must satisfy regular expression pattern: ${issue.message}` : `Member must be a valid ${issue.format}`;
    case 'invalid_type':
      return value === undefined || value === null ? 'Member must not be null' : `Member must be of type ${issue.expected}`;
    default:
      return issue.message;
  }
}

/**
 * A string member with the API model's pattern, which (as in the model) must match the whole value;
 * AWS's sentence quotes the pattern as the model writes it.
 */
export function modelPattern(pattern: string) {
  return z.string().regex(new RegExp(`^(?:${pattern})$`, 'u'), { message: pattern });
}

/**
 * `filterCriteria.filters.1.member.pattern`: lowerCamel members, and a list element as the
 * framework names it, by its 1-based index and the list's `member` (as AWS answered for IAM:
 * "at 'tags.6.member.value'"; for Lambda inferred).
 */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `${p + 1}.member` : String(p).charAt(0).toLowerCase() + String(p).slice(1)))
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
  if (!result.success) throw validationError(result.error.issues, input, schema);
  return result.data;
}
