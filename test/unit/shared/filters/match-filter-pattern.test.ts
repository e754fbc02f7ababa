import { describe, expect, it } from 'vitest';
import { compileFilterPattern, matchFilterPattern, parseRawJson } from '@sluice/shared';

// Facts: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html (filter rule
// syntax) and https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html.

/** Matches a pattern against event JSON text (numbers keep their text, as in Kinesis data). */
function matches(pattern: unknown, event: string): boolean {
  return matchFilterPattern(compileFilterPattern(JSON.stringify(pattern)), parseRawJson(event));
}

describe('matchFilterPattern: exact values', () => {
  it('Equals: a string matches character for character, no case folding (Lambda: exact character-by-character matching)', () => {
    expect(matches({ Name: ['Alice'] }, '{"Name":"Alice"}')).toBe(true);
    expect(matches({ Name: ['Alice'] }, '{"Name":"alice"}')).toBe(false);
    expect(matches({ Name: ['Alice'] }, '{"Name":"Alice "}')).toBe(false);
  });

  it('Or: several values in a leaf match any of them (Lambda: "PaymentType": ["Credit","Debit"])', () => {
    expect(matches({ PaymentType: ['Credit', 'Debit'] }, '{"PaymentType":"Debit"}')).toBe(true);
    expect(matches({ PaymentType: ['Credit', 'Debit'] }, '{"PaymentType":"Cash"}')).toBe(false);
  });

  it('numbers match by their string form: 300, 300.0 and 3.0e2 are not equal (Lambda docs note)', () => {
    expect(matchFilterPattern(compileFilterPattern('{"n":[300]}'), parseRawJson('{"n":300}'))).toBe(true);
    expect(matchFilterPattern(compileFilterPattern('{"n":[300]}'), parseRawJson('{"n":300.0}'))).toBe(false);
    expect(matchFilterPattern(compileFilterPattern('{"n":[300.0]}'), parseRawJson('{"n":300}'))).toBe(false);
    expect(matchFilterPattern(compileFilterPattern('{"n":[3.0e2]}'), parseRawJson('{"n":3.0e2}'))).toBe(true);
  });

  it('a number never equals the same digits as a string, nor a boolean its string (values are typed)', () => {
    expect(matches({ n: [5] }, '{"n":"5"}')).toBe(false);
    expect(matches({ n: ['5'] }, '{"n":5}')).toBe(false);
    expect(matches({ b: [true] }, '{"b":true}')).toBe(true);
    expect(matches({ b: [true] }, '{"b":"true"}')).toBe(false);
  });

  it('a number from a JS object (not text) compares as JSON.stringify writes it', () => {
    const pattern = compileFilterPattern('{"SizeBytes":[59]}');
    expect(matchFilterPattern(pattern, { SizeBytes: 59 })).toBe(true);
    expect(matchFilterPattern(pattern, { SizeBytes: 60 })).toBe(false);
  });

  it('Null: [null] matches an explicit null, not a missing field (Lambda: "UserID": [ null ])', () => {
    expect(matches({ UserID: [null] }, '{"UserID":null}')).toBe(true);
    expect(matches({ UserID: [null] }, '{}')).toBe(false);
    expect(matches({ UserID: [null] }, '{"UserID":""}')).toBe(false);
  });

  it('Empty: [""] matches the empty string only, not null (Lambda: "LastName": [""])', () => {
    expect(matches({ LastName: [''] }, '{"LastName":""}')).toBe(true);
    expect(matches({ LastName: [''] }, '{"LastName":null}')).toBe(false);
    expect(matches({ LastName: [''] }, '{}')).toBe(false);
  });
});

describe('matchFilterPattern: structure', () => {
  it('And: every field of a pattern must match, and each must exist (Lambda: fields ANDed, all named fields present)', () => {
    const pattern = { Location: ['New York'], Day: ['Monday'] };
    expect(matches(pattern, '{"Location":"New York","Day":"Monday","x":1}')).toBe(true);
    expect(matches(pattern, '{"Location":"New York","Day":"Tuesday"}')).toBe(false);
    expect(matches(pattern, '{"Location":"New York"}')).toBe(false);
  });

  it('an array in the event matches when any element matches (EventBridge: arrays match if any value matches)', () => {
    expect(matches({ tags: ['b'] }, '{"tags":["a","b"]}')).toBe(true);
    expect(matches({ tags: ['c'] }, '{"tags":["a","b"]}')).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 5] }] }, '{"n":[1,7]}')).toBe(true);
  });

  it('nested objects are matched level by level (Lambda: multi-level filtering, dynamodb.Keys.Id.N)', () => {
    const pattern = { dynamodb: { Keys: { Id: { N: ['101'] } } } };
    expect(matches(pattern, '{"dynamodb":{"Keys":{"Id":{"N":"101"}}}}')).toBe(true);
    expect(matches(pattern, '{"dynamodb":{"Keys":{"Id":{"N":"102"}}}}')).toBe(false);
    expect(matches(pattern, '{"dynamodb":{"Keys":{"Id":"101"}}}')).toBe(false);
  });

  it('an array of objects matches when one element matches the nested pattern whole', () => {
    const pattern = { items: { sku: ['A'], qty: [{ numeric: ['>', 1] }] } };
    expect(matches(pattern, '{"items":[{"sku":"B","qty":5},{"sku":"A","qty":2}]}')).toBe(true);
    // sku A and qty > 1 exist, but in different elements: no single element matches.
    expect(matches(pattern, '{"items":[{"sku":"A","qty":1},{"sku":"B","qty":5}]}')).toBe(false);
  });

  it('$or: one of the alternatives must match, together with the other fields (EventBridge $or)', () => {
    const pattern = { source: ['shop'], $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };
    expect(matches(pattern, '{"source":"shop","Day":"Monday"}')).toBe(true);
    expect(matches(pattern, '{"source":"shop","Location":"New York"}')).toBe(true);
    expect(matches(pattern, '{"source":"shop","Day":"Sunday"}')).toBe(false);
    expect(matches(pattern, '{"source":"web","Day":"Monday"}')).toBe(false);
  });

  it('$or works nested inside an object too', () => {
    const pattern = { detail: { $or: [{ a: ['1'] }, { b: ['2'] }] } };
    expect(matches(pattern, '{"detail":{"b":"2"}}')).toBe(true);
    expect(matches(pattern, '{"detail":{"c":"3"}}')).toBe(false);
  });

  it('duplicate keys in a pattern: the last one wins (Lambda: the last key is used)', () => {
    const pattern = compileFilterPattern('{"a":["first"],"a":["second"]}');
    expect(matchFilterPattern(pattern, { a: 'second' })).toBe(true);
    expect(matchFilterPattern(pattern, { a: 'first' })).toBe(false);
  });

  it('a top-level {} pattern names no field, so it matches every record', () => {
    expect(matches({}, '{"a":1}')).toBe(true);
  });
});

describe('matchFilterPattern: operators', () => {
  it('anything-but with a list: any value but those, and the field must exist (Lambda: Not)', () => {
    const pattern = { Weather: [{ 'anything-but': ['Raining', 'Snowing'] }] };
    expect(matches(pattern, '{"Weather":"Sunny"}')).toBe(true);
    expect(matches(pattern, '{"Weather":"Raining"}')).toBe(false);
    expect(matches(pattern, '{}')).toBe(false);
  });

  it('anything-but with a single value, string or number (EventBridge: "anything-but": "initializing")', () => {
    expect(matches({ state: [{ 'anything-but': 'initializing' }] }, '{"state":"running"}')).toBe(true);
    expect(matches({ state: [{ 'anything-but': 'initializing' }] }, '{"state":"initializing"}')).toBe(false);
    expect(matches({ code: [{ 'anything-but': 404 }] }, '{"code":200}')).toBe(true);
    expect(matches({ code: [{ 'anything-but': 404 }] }, '{"code":404}')).toBe(false);
  });

  it('anything-but prefix / suffix / equals-ignore-case (EventBridge anything-but forms)', () => {
    expect(matches({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, '{"Region":"eu-west-1"}')).toBe(true);
    expect(matches({ Region: [{ 'anything-but': { prefix: 'us-' } }] }, '{"Region":"us-east-1"}')).toBe(false);
    expect(matches({ File: [{ 'anything-but': { suffix: '.png' } }] }, '{"File":"a.jpg"}')).toBe(true);
    expect(matches({ File: [{ 'anything-but': { suffix: '.png' } }] }, '{"File":"a.png"}')).toBe(false);
    expect(matches({ s: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'x'] } }] }, '{"s":"INITIALIZING"}')).toBe(false);
    expect(matches({ s: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, '{"s":"running"}')).toBe(true);
  });

  it('numeric equals compares values, not text: 300.0 = 300 (Lambda: Numeric (equals))', () => {
    expect(matches({ Price: [{ numeric: ['=', 100] }] }, '{"Price":100}')).toBe(true);
    expect(matches({ Price: [{ numeric: ['=', 100] }] }, '{"Price":100.0}')).toBe(true);
    expect(matches({ Price: [{ numeric: ['=', 100] }] }, '{"Price":101}')).toBe(false);
  });

  it('numeric <, <=, >, >= each hold at their bound as the operator says', () => {
    expect(matches({ n: [{ numeric: ['<', 10] }] }, '{"n":9.99}')).toBe(true);
    expect(matches({ n: [{ numeric: ['<', 10] }] }, '{"n":10}')).toBe(false);
    expect(matches({ n: [{ numeric: ['<=', 10] }] }, '{"n":10}')).toBe(true);
    expect(matches({ n: [{ numeric: ['>', 10] }] }, '{"n":10}')).toBe(false);
    expect(matches({ n: [{ numeric: ['>=', 10] }] }, '{"n":10}')).toBe(true);
    expect(matches({ n: [{ numeric: ['>', -1] }] }, '{"n":-0.5}')).toBe(true);
  });

  it('numeric range with two bounds (Lambda: "Price": [{"numeric": [">", 10, "<=", 20]}])', () => {
    const pattern = { Price: [{ numeric: ['>', 10, '<=', 20] }] };
    expect(matches(pattern, '{"Price":10}')).toBe(false);
    expect(matches(pattern, '{"Price":15}')).toBe(true);
    expect(matches(pattern, '{"Price":20}')).toBe(true);
    expect(matches(pattern, '{"Price":20.5}')).toBe(false);
  });

  it('numeric never matches a numeric string, so DynamoDB {"N": "101"} needs exact or prefix rules', () => {
    expect(matches({ n: [{ numeric: ['>', 5] }] }, '{"n":"101"}')).toBe(false);
  });

  it('exists true / false on leaf values; exists:false is the one rule a missing field satisfies (LocalStack #10325)', () => {
    expect(matches({ ProductName: [{ exists: true }] }, '{"ProductName":"x"}')).toBe(true);
    expect(matches({ ProductName: [{ exists: true }] }, '{"ProductName":null}')).toBe(true);
    expect(matches({ ProductName: [{ exists: true }] }, '{}')).toBe(false);
    expect(matches({ ProductName: [{ exists: false }] }, '{}')).toBe(true);
    expect(matches({ ProductName: [{ exists: false }] }, '{"ProductName":"x"}')).toBe(false);
  });

  it('exists matches leaf nodes only: an object or an empty array is not a value (EventBridge exists matching)', () => {
    expect(matches({ a: [{ exists: true }] }, '{"a":{"b":1}}')).toBe(false);
    expect(matches({ a: [{ exists: false }] }, '{"a":{"b":1}}')).toBe(true);
    expect(matches({ a: [{ exists: true }] }, '{"a":[]}')).toBe(false);
  });

  it('exists:false under a missing parent object still holds', () => {
    expect(matches({ customer: { email: [{ exists: false }] } }, '{}')).toBe(true);
    expect(matches({ customer: { email: [{ exists: false }] } }, '{"customer":{"email":"e"}}')).toBe(false);
  });

  it('prefix and prefix with equals-ignore-case (Lambda: Begins with; EventBridge: Begins with (ignore case))', () => {
    expect(matches({ Region: [{ prefix: 'us-' }] }, '{"Region":"us-east-1"}')).toBe(true);
    expect(matches({ Region: [{ prefix: 'us-' }] }, '{"Region":"US-east-1"}')).toBe(false);
    expect(matches({ Region: [{ prefix: { 'equals-ignore-case': 'us-' } }] }, '{"Region":"US-east-1"}')).toBe(true);
    expect(matches({ Region: [{ prefix: 'us-' }] }, '{"Region":5}')).toBe(false);
  });

  it('suffix and suffix with equals-ignore-case (Lambda: Ends with)', () => {
    expect(matches({ File: [{ suffix: '.png' }] }, '{"File":"a.png"}')).toBe(true);
    expect(matches({ File: [{ suffix: '.png' }] }, '{"File":"a.PNG"}')).toBe(false);
    expect(matches({ File: [{ suffix: { 'equals-ignore-case': '.png' } }] }, '{"File":"a.PNG"}')).toBe(true);
  });

  it('equals-ignore-case (Lambda: Equals (ignore case))', () => {
    expect(matches({ Name: [{ 'equals-ignore-case': 'alice' }] }, '{"Name":"ALICE"}')).toBe(true);
    expect(matches({ Name: [{ 'equals-ignore-case': 'alice' }] }, '{"Name":"bob"}')).toBe(false);
  });

  it('rules of one leaf are ORed, exact values and operators alike', () => {
    const pattern = { s: ['a', { prefix: 'x' }, { numeric: ['>', 10] }] };
    expect(matches(pattern, '{"s":"a"}')).toBe(true);
    expect(matches(pattern, '{"s":"xy"}')).toBe(true);
    expect(matches(pattern, '{"s":11}')).toBe(true);
    expect(matches(pattern, '{"s":"b"}')).toBe(false);
  });
});

describe('matchFilterPattern: reasons', () => {
  it('says which field failed which rule, and which field is missing', () => {
    const pattern = compileFilterPattern('{"data":{"type":["buy"],"qty":[{"numeric":[">",10]}]}}');
    const reasons: string[] = [];
    expect(matchFilterPattern(pattern, { data: { type: 'sell' } }, reasons)).toBe(false);
    expect(reasons).toEqual(['data.type: "sell" does not match ["buy"]', 'data.qty is missing (the pattern requires [{"numeric":[">",10]}])']);
  });
});
