/**
 * A JSON number with the text it was written as. Lambda compares numbers in exact matches by their
 * string form ("300, 300.0 and 3.0e2 are not considered equal"), which `JSON.parse` forgets.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 */
export class JsonNumber {
  constructor(
    readonly raw: string,
    readonly value: number,
  ) {}

  toJSON(): number {
    return this.value;
  }
}

/** A parsed JSON value whose numbers are {@link JsonNumber}s; objects have no prototype. */
export type RawJsonValue = string | boolean | null | JsonNumber | RawJsonValue[] | { [key: string]: RawJsonValue };

/** Thrown by {@link parseRawJson}; `position` is the character offset of the fault. */
export class RawJsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'RawJsonSyntaxError';
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING_BODY = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses JSON text like `JSON.parse` (duplicate keys: the last wins), keeping each number's text.
 * Used for filter patterns and, when a pattern has exact number literals, for Kinesis `data`.
 *
 * @example
 * parseRawJson('{"a":300.0}'); // { a: JsonNumber { raw: '300.0', value: 300 } }
 */
export function parseRawJson(text: string): RawJsonValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipWhitespace();
  if (parser.pos !== text.length) throw new RawJsonSyntaxError('Unexpected text after the JSON value', parser.pos);
  return value;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  value(): RawJsonValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    throw new RawJsonSyntaxError(c === undefined ? 'Unexpected end of JSON' : `Unexpected character ${JSON.stringify(c)}`, this.pos);
  }

  private object(): { [key: string]: RawJsonValue } {
    const result = Object.create(null) as { [key: string]: RawJsonValue };
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') throw new RawJsonSyntaxError('Expected a property name', this.pos);
      const key = this.string();
      this.skipWhitespace();
      this.expect(':');
      result[key] = this.value();
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos += 1;
        continue;
      }
      this.expect('}');
      return result;
    }
  }

  private array(): RawJsonValue[] {
    const result: RawJsonValue[] = [];
    this.pos += 1;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos += 1;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipWhitespace();
      if (this.text[this.pos] === ',') {
        this.pos += 1;
        continue;
      }
      this.expect(']');
      return result;
    }
  }

  private string(): string {
    STRING_BODY.lastIndex = this.pos;
    const match = STRING_BODY.exec(this.text);
    if (match === null) throw new RawJsonSyntaxError('Invalid string', this.pos);
    this.pos = STRING_BODY.lastIndex;
    return JSON.parse(match[0]) as string;
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) throw new RawJsonSyntaxError('Invalid number', this.pos);
    this.pos = NUMBER.lastIndex;
    return new JsonNumber(match[0], Number(match[0]));
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) {
      const found = this.text[this.pos];
      throw new RawJsonSyntaxError(`Expected ${JSON.stringify(char)} but found ${found === undefined ? 'the end' : JSON.stringify(found)}`, this.pos);
    }
    this.pos += 1;
  }
}
