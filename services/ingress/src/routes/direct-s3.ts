import type { FastifyInstance } from 'fastify';
import type { PushDispatcher } from '../dispatch/push-dispatcher.js';
import { parseS3Record, s3EventSchema, s3RecordEvent } from '../events/s3-event-record.js';
import { IngressError } from '../http/ingress-error.js';
import { checkIngressSecret } from '../http/ingress-secret.js';

export interface DirectS3RouteDeps {
  readonly dispatcher: PushDispatcher;
  readonly secret?: string;
  readonly region: string;
}

/**
 * S3's own event JSON posted directly, as S3-compatible stores do (MinIO's webhook target):
 * `{"Records":[...]}`. Answers 202 once every matching record is queued.
 */
export function directS3Route(app: FastifyInstance, deps: DirectS3RouteDeps): void {
  app.post('/s3', { onRequest: async (request) => checkIngressSecret(request, deps.secret) }, async (request, reply) => {
    const body = s3EventSchema.safeParse(request.body);
    if (!body.success) throw new IngressError('InvalidRequestContentException', 'The body must be an S3 event: {"Records":[...]}.');
    const records = body.data.Records.map((value, index) => {
      const record = parseS3Record(value);
      if (record === undefined) {
        throw new IngressError('InvalidRequestContentException', `Records[${index}] is not an S3 event record (eventName, s3.bucket.name, s3.object.key).`);
      }
      return s3RecordEvent(record, index, { region: deps.region });
    });
    const result = await deps.dispatcher.dispatch('s3', records);
    return reply.code(202).send({ Records: records.length, Queued: result.queued, Duplicates: result.duplicates, Unmatched: result.unmatched });
  });
}
