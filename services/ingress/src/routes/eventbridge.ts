import type { FastifyInstance } from 'fastify';
import type { PushDispatcher } from '../dispatch/push-dispatcher.js';
import { eventBridgePushEvent, eventBridgeS3EventSchema } from '../events/eventbridge-s3-event.js';
import { IngressError } from '../http/ingress-error.js';
import { checkIngressSecret } from '../http/ingress-secret.js';

export interface EventBridgeRouteDeps {
  readonly dispatcher: PushDispatcher;
  readonly secret?: string;
}

/**
 * S3 events from EventBridge (an API destination posts one event per request). The function
 * receives the EventBridge event itself, as a Lambda target of an EventBridge rule does.
 */
export function eventBridgeRoute(app: FastifyInstance, deps: EventBridgeRouteDeps): void {
  app.post('/eventbridge', { onRequest: async (request) => checkIngressSecret(request, deps.secret) }, async (request, reply) => {
    const event = eventBridgeS3EventSchema.safeParse(request.body);
    if (!event.success) {
      const where = event.error.issues[0]?.path.join('.') ?? '';
      throw new IngressError(
        'InvalidRequestContentException',
        `The body must be an EventBridge event from aws.s3 (id, detail-type, detail.bucket.name, detail.object.key, an optional time that is a date)${where === '' ? '' : `; ${where} is invalid`}.`,
      );
    }
    const result = await deps.dispatcher.dispatch('eventbridge', [eventBridgePushEvent(event.data)]);
    return reply.code(202).send({ Queued: result.queued, Duplicates: result.duplicates, Unmatched: result.unmatched });
  });
}
