import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '@sluice/shared';
import { eventBridgeS3EventSchema } from '../../../../services/ingress/src/events/eventbridge-s3-event.js';
import { parseS3Record } from '../../../../services/ingress/src/events/s3-event-record.js';
import { installIngressErrorHandling, installJsonBodies } from '../../../../services/ingress/src/http/error-handling.js';

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

// What the ingress answers decides whether a sender retries: 4xx for input that can never
// succeed, 503 only for a transient fault, so SNS and S3-compatible stores do not retry poison.
describe('ingress error answers (a real Fastify, faults injected by the routes)', () => {
  const app = Fastify();
  const faults: Record<string, () => Error> = {
    'redis-down': () => Object.assign(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' }),
    'redis-refused': () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
    'stack-overflow': () => new RangeError('Maximum call stack size exceeded'),
    'invalid-date': () => new RangeError('Invalid time value'),
  };

  beforeAll(async () => {
    installJsonBodies(app);
    installIngressErrorHandling(app);
    app.post('/echo', async (request) => ({ got: request.body }));
    app.post('/fault/:kind', async (request) => {
      throw faults[(request.params as { kind: string }).kind]!();
    });
    await app.ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string) => app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

  it.each(['redis-down', 'redis-refused'])('%s: 503 ServiceUnavailableException (the sender retries)', async (kind) => {
    const response = await post(`/fault/${kind}`, '{}');

    expect(response.statusCode).toBe(503);
    expect(response.headers['x-amzn-errortype']).toBe('ServiceUnavailableException');
    expect(response.json()).toMatchObject({ Type: 'Service' });
  });

  it.each(['stack-overflow', 'invalid-date'])('%s: 500 ServiceException, not a 503 that asks for a retry', async (kind) => {
    const response = await post(`/fault/${kind}`, '{}');

    expect(response.statusCode).toBe(500);
    expect(response.headers['x-amzn-errortype']).toBe('ServiceException');
  });

  it(`refuses a body nested deeper than ${MAX_JSON_DEPTH} levels with 400, before parsing it`, async () => {
    const refused = await post('/echo', deep(10_000));
    expect(refused.statusCode).toBe(400);
    expect(refused.headers['x-amzn-errortype']).toBe('InvalidRequestContentException');
    expect(refused.json()).toEqual({ Type: 'User', Message: `The body is JSON nested deeper than ${MAX_JSON_DEPTH} levels.` });

    expect((await post('/echo', deep(MAX_JSON_DEPTH))).statusCode).toBe(200);
  });
});

describe('ingress input that can never succeed', () => {
  const event = (time: unknown) => ({ id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', time, detail: { bucket: { name: 'b' }, object: { key: 'k' } } });

  it.each([-1e308, 1e308, Number.MAX_SAFE_INTEGER, 'not a date', ''])('an EventBridge time of %j names no date', (time) => {
    expect(eventBridgeS3EventSchema.safeParse(event(time)).success).toBe(false);
  });

  it.each(['2026-11-26T10:00:00Z', 1_764_151_200, 0])('an EventBridge time of %j is a date', (time) => {
    expect(eventBridgeS3EventSchema.safeParse(event(time)).success).toBe(true);
  });

  it('an S3 record whose key holds a lone surrogate is no S3 record (S3 keys are UTF-8)', () => {
    const record = (key: string) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key } } });

    expect(parseS3Record(record('\ud800x'))).toBeUndefined();
    expect(parseS3Record(record('photo-😀.jpg'))).toBeDefined();
  });
});
