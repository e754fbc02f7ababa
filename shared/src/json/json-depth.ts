/**
 * The deepest nesting of arrays and objects Sluice accepts in any JSON it is sent (API bodies,
 * Invoke payloads, ingress pushes) or keeps as a value (payloads in invocation records).
 *
 * Why 512: real events are shallow (S3, SNS and EventBridge events nest under 10 levels, and
 * DynamoDB allows 32 levels of nested attributes:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes),
 * so 512 refuses nothing real. V8's JSON.parse is iterative, but JSON.stringify and every recursive
 * walk of a parsed value (zod, null-dropping, filter matching, pino) run out of stack a few
 * thousand levels down on Node's default stack (JSON.stringify near 4,000, a small recursive copy
 * near 2,500, less when called deep in a request's stack): 512 stays several times below that.
 */
export const MAX_JSON_DEPTH = 512;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests arrays and objects deeper than `limit`. One pass over the characters
 * with a counter, no recursion and no parsing, so the check itself cannot overflow whatever it is
 * given; brackets inside strings do not count. It does not validate the text: malformed JSON is
 * JSON.parse's to refuse.
 */
export function jsonDepthExceeds(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** The sentence every edge puts in its own error format. */
export const JSON_TOO_DEEP = `JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
