import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandling } from '../../../../../services/api/src/http/error-handler.js';
import { installJsonBodyParser } from '../../../../../services/api/src/http/json-body.js';
import { filterCriteriaTestRoutes } from '../../../../../services/api/src/routes/filter-criteria-test.js';

// The test endpoint in-process (Fastify inject, no socket); the e2e test drives it over HTTP.
let app: FastifyInstance;
beforeAll(() => {
  app = Fastify() as unknown as FastifyInstance;
  installJsonBodyParser(app);
  installErrorHandling(app);
  filterCriteriaTestRoutes(app, { limits: { maxFilters: 2 } });
});
afterAll(() => app.close());

async function post(body: unknown) {
  const response = await app.inject({ method: 'POST', url: '/sluice/v1/filter-criteria/test', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { status: response.statusCode, type: response.headers['x-amzn-errortype'], json: response.json<Record<string, unknown>>() };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('POST /sluice/v1/filter-criteria/test', () => {
  it('decodes Kinesis data for a record that says it is from Kinesis, and says why it fails', async () => {
    const event = { eventSource: 'aws:kinesis', kinesis: { partitionKey: '1', data: b64({ order: { type: 'sell' } }) } };
    expect(await post({ Pattern: '{"data":{"order":{"type":["buy"]}}}', Event: event })).toEqual({
      status: 200,
      type: undefined,
      json: { Result: false, Reasons: ['data.order.type: "sell" does not match ["buy"]'], SourceType: 'kinesis' },
    });
  });

  it('takes the source from EventSourceArn, or SourceType, before the record', async () => {
    const bare = { kinesis: { data: b64({ a: 1 }) } };
    const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/Orders/stream/2024-01-01T00:00:00.000';
    expect((await post({ Pattern: '{"kinesis":{"data":[{"exists":true}]}}', Event: bare, EventSourceArn: arn })).json).toMatchObject({ Result: true, SourceType: 'dynamodb' });
    expect((await post({ Pattern: '{"data":{"a":[1]}}', Event: bare, SourceType: 'kinesis' })).json).toMatchObject({ Result: true, SourceType: 'kinesis' });
    expect((await post({ Pattern: '{"a":[1]}', Event: { a: 1 } })).json).toMatchObject({ Result: true, SourceType: 'json' });
  });

  it('ORs the filters of a FilterCriteria and names the failing one', async () => {
    const criteria = { Filters: [{ Pattern: '{"a":["x"]}' }, { Pattern: '{"b":[{"numeric":[">",5]}]}' }] };
    expect((await post({ FilterCriteria: criteria, Event: { a: 'y', b: 9 } })).json).toMatchObject({ Result: true, Reasons: [] });
    expect((await post({ FilterCriteria: criteria, Event: { a: 'y', b: 1 } })).json).toMatchObject({
      Result: false,
      Reasons: ['Filters[0]: a: "y" does not match ["x"]', 'Filters[1]: b: 1 does not match [{"numeric":[">",5]}]'],
    });
  });

  it('refuses bad input with InvalidParameterValueException (ValidationException for the model\'s constraints)', async () => {
    const cases: [unknown, RegExp, string?][] = [
      [{ Pattern: '{"a":[]}', Event: {} }, /^Invalid filter pattern definition: Pattern: "a": Empty arrays are not allowed$/],
      [{ FilterCriteria: { Filters: [{ Pattern: '{"a":"x"}' }] }, Event: {} }, /^Invalid filter pattern definition: Filters\[0\]\.Pattern: "a" must be an object/],
      [{ FilterCriteria: { Filters: [{ Pattern: '{}' }, { Pattern: '{}' }, { Pattern: '{}' }] }, Event: {} }, /3 filters; at most 2/],
      [{ Event: {} }, /exactly one of FilterCriteria and Pattern/],
      [{ Pattern: '{"a":["x"]}', Event: {}, EventSourceArn: 'arn:aws:sns:us-east-1:000000000000:t' }, /EventSourceArn is not a Kinesis stream/],
      [{ Pattern: '{"a":["x"]}', Event: 'not an object' }, /'event'/, 'ValidationException'],
    ];
    for (const [body, message, type = 'InvalidParameterValueException'] of cases) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.type).toBe(type);
      expect(String(answer.json.Message)).toMatch(message);
    }
  });
});
