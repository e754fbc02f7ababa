import { describe, expect, it } from 'vitest';
import { compileFilterPattern, FilterPatternError } from '@sluice/shared';

// What Lambda refuses at CreateEventSourceMapping / UpdateEventSourceMapping: a pattern that is not
// JSON, or outside the filter grammar (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html;
// the rules on operands are EventBridge's, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).

function refusal(pattern: string): string {
  try {
    compileFilterPattern(pattern);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterPatternError);
    return (error as Error).message;
  }
  throw new Error(`expected ${pattern} to be refused`);
}

describe('compileFilterPattern refuses', () => {
  it.each([
    ['not JSON (Lambda: a non-JSON pattern throws at create or update)', '{"a": [', /not valid JSON/],
    ['a pattern that is not an object', '["a"]', /must be a JSON object/],
    ['a leaf that is not an array', '{"a":"b"}', /"a" must be an object or an array; found "b"/],
    ['a number leaf that is not an array', '{"data":{"n":5}}', /"data.n" must be an object or an array/],
    ['an empty array (EventBridge: empty arrays are not allowed)', '{"a":[]}', /"a": Empty arrays are not allowed/],
    ['an empty nested object', '{"a":{}}', /"a": an object in a pattern must name at least one field/],
    ['an unknown operator', '{"a":[{"contains":"x"}]}', /Unrecognized match type contains/],
    ['wildcard: EventBridge has it, Lambda filter syntax does not', '{"a":[{"wildcard":"*.png"}]}', /wildcard/],
    ['cidr: not in Lambda filter syntax', '{"a":[{"cidr":"10.0.0.0/8"}]}', /Unrecognized match type cidr/],
    ['two operators in one rule object', '{"a":[{"prefix":"x","suffix":"y"}]}', /Only one key allowed/],
    ['an array as a rule', '{"a":[["x"]]}', /Match value must be String, number, true, false, or null/],
    ['prefix with a number operand', '{"a":[{"prefix":5}]}', /prefix match pattern must be a string/],
    ['suffix with a list operand', '{"a":[{"suffix":["x"]}]}', /suffix match pattern must be a string/],
    ['prefix with a nested operator other than equals-ignore-case', '{"a":[{"prefix":{"suffix":"x"}}]}', /only equals-ignore-case/],
    ['equals-ignore-case with a number', '{"a":[{"equals-ignore-case":5}]}', /equals-ignore-case match pattern must be a string/],
    ['exists with a string', '{"a":[{"exists":"true"}]}', /exists match pattern must be either true or false/],
    ['numeric that is not an array', '{"a":[{"numeric":5}]}', /Value of numeric must be an array/],
    ['numeric with a string value', '{"a":[{"numeric":[">","5"]}]}', /Value of > must be numeric/],
    ['numeric with an unknown operator', '{"a":[{"numeric":["!=",5]}]}', /Unrecognized numeric range operator: "!="/],
    ['numeric range that starts with <', '{"a":[{"numeric":["<",5,">",1]}]}', /a range starts with > or >=/],
    ['numeric range whose bottom is not below its top', '{"a":[{"numeric":[">",5,"<",5]}]}', /Bottom must be less than top/],
    ['numeric with three terms', '{"a":[{"numeric":[">",5,"<"]}]}', /expects an operator and a number/],
    ['anything-but with an empty list', '{"a":[{"anything-but":[]}]}', /Empty arrays are not allowed/],
    ['anything-but with a boolean in its list', '{"a":[{"anything-but":[true]}]}', /only strings and numbers/],
    ['anything-but with an unsupported nested operator', '{"a":[{"anything-but":{"numeric":[">",1]}}]}', /Unsupported anything-but pattern: numeric/],
    ['anything-but wildcard (not in Lambda filter syntax)', '{"a":[{"anything-but":{"wildcard":"x*"}}]}', /Unsupported anything-but pattern: wildcard/],
    ['anything-but prefix with a number', '{"a":[{"anything-but":{"prefix":5}}]}', /must be a string or a non-empty list of strings/],
    ['$or with one alternative', '{"$or":[{"a":["x"]}]}', /at least two pattern objects/],
    ['$or with a non-object alternative', '{"$or":[{"a":["x"]},"b"]}', /each alternative must be a non-empty pattern object/],
    ['a pattern over 4096 characters (Filter.Pattern: max length 4096)', `{"a":["${'x'.repeat(4100)}"]}`, /at most 4096/],
  ])('%s', (_name, pattern, message) => {
    expect(refusal(pattern)).toMatch(message);
  });
});

describe('compileFilterPattern accepts', () => {
  it.each([
    ['the Lambda Kinesis doc example', '{"data":{"order":{"type":["buy"]}}}'],
    ['metadata plus data (Lambda doc example)', '{"partitionKey":["1"],"data":{"Location":["Los Angeles"]}}'],
    ['null and empty values', '{"a":[null,""]}'],
    ['a single-bound numeric', '{"a":[{"numeric":["=",100]}]}'],
    ['exists false', '{"a":[{"exists":false}]}'],
    ['anything-but with a single number', '{"a":[{"anything-but":100}]}'],
    ['anything-but suffix list', '{"a":[{"anything-but":{"suffix":[".png",".jpg"]}}]}'],
    ['$or with nested objects', '{"$or":[{"a":{"b":["x"]}},{"c":[{"exists":true}]}]}'],
  ])('%s', (_name, pattern) => {
    expect(compileFilterPattern(pattern).text).toBe(pattern);
  });
});
