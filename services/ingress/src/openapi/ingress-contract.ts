import { z } from 'zod';
import { HEALTH_OPERATIONS, type ContractInfo, type ContractOperation, type ContractResponse } from '@sluice/shared';
import { eventBridgeS3EventSchema } from '../events/eventbridge-s3-event.js';
import { s3EventSchema } from '../events/s3-event-record.js';
import { snsMessageSchema } from '../sns/sns-message.js';

/** Where the ingress serves its own OpenAPI document. */
export const INGRESS_OPENAPI_PATH = '/openapi.json';

/** An ingress refusal (http/error-handling.ts): `x-amzn-ErrorType` and `{"Type","Message"}`, as the API's. */
export const ingressErrorBodySchema = z.object({ Type: z.enum(['User', 'Service']), Message: z.string() });

const refusal = (description: string): ContractResponse => ({
  description,
  body: ingressErrorBodySchema,
  headers: { 'x-amzn-ErrorType': { description: "The refusal's name (http/ingress-error.ts INGRESS_ERRORS)." } },
});

/** What every push may be refused with; senders retry only the 503. */
const PUSH_REFUSALS = {
  400: refusal('InvalidRequestContentException: not JSON, nested too deep, or not the event the route takes; never succeeds, so not to be retried.'),
  413: refusal('RequestTooLargeException: the body exceeds 1 MiB.'),
  415: refusal('UnsupportedMediaTypeException.'),
  503: refusal('ServiceUnavailableException: Redis or the queue is unavailable; retry.'),
};
const NO_SECRET = { 401: refusal('UnrecognizedClientException: SLUICE_INGRESS_SECRET is set and the push did not send it.') };

const counts = { Queued: z.int(), Duplicates: z.int(), Unmatched: z.int() };

export const INGRESS_OPERATIONS: readonly ContractOperation[] = [
  ...HEALTH_OPERATIONS,
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: "This process's metrics, in Prometheus' text format; with SLUICE_API_TOKEN set, it is needed as a Bearer token.",
    responses: { 200: { description: 'The metrics.', mediaType: 'text/plain' }, 401: refusal('UnrecognizedClientException: the API token is missing or wrong.') },
  },
  {
    method: 'get',
    path: INGRESS_OPENAPI_PATH,
    operationId: 'openApiDocument',
    secured: false,
    summary: 'This document (open: it holds no data, and the senders that use this port have no API token).',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', body: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'post',
    path: '/s3',
    operationId: 'pushS3Event',
    summary: "S3's event JSON posted directly (an S3-compatible store's webhook): {\"Records\":[...]}.",
    body: s3EventSchema,
    responses: { 202: { description: 'Every matching record queued.', body: z.object({ Records: z.int(), ...counts }) }, ...PUSH_REFUSALS, ...NO_SECRET },
  },
  {
    method: 'post',
    path: '/sns',
    operationId: 'pushSnsMessage',
    secured: false,
    summary: 'An SNS HTTP(S) delivery: notifications of S3 events, subscription and unsubscribe confirmations; signatures verified.',
    body: snsMessageSchema,
    responses: {
      200: {
        description: 'Confirmed, acknowledged, queued, or ignored (a notification that is not an S3 event).',
        body: z.union([
          z.object({ Confirmed: z.literal(true) }),
          z.object({ Unsubscribed: z.literal(true) }),
          z.object({ Queued: z.literal(0), Ignored: z.literal(true) }),
          z.object({ Records: z.int(), ...counts }),
        ]),
      },
      ...PUSH_REFUSALS,
      403: refusal('InvalidSignatureException (the signature does not verify) or AccessDeniedException (no S3 binding expects the topic).'),
    },
  },
  {
    method: 'post',
    path: '/eventbridge',
    operationId: 'pushEventBridgeEvent',
    summary: 'One S3 event from EventBridge (an API destination).',
    body: eventBridgeS3EventSchema,
    responses: { 202: { description: 'Queued (or matched nothing).', body: z.object(counts) }, ...PUSH_REFUSALS, ...NO_SECRET },
  },
];

export const INGRESS_CONTRACT_INFO: ContractInfo = {
  title: 'Sluice ingress',
  version: '1.0.0',
  description:
    'S3 events pushed to Sluice: posted directly, through SNS, or from EventBridge. Direct and EventBridge pushes send SLUICE_INGRESS_SECRET, when it is set, ' +
    'as a Bearer token or in X-Sluice-Ingress-Secret; SNS deliveries are authenticated by their signature.',
  securitySchemes: {
    ingressSecret: { type: 'http', scheme: 'bearer', description: 'SLUICE_INGRESS_SECRET (pushes), or SLUICE_API_TOKEN (/metrics).' },
    ingressSecretHeader: { type: 'apiKey', in: 'header', name: 'X-Sluice-Ingress-Secret', description: 'SLUICE_INGRESS_SECRET, for senders that cannot set Authorization.' },
  },
};
