import type { FastifyInstance, FastifyBaseLogger } from 'fastify';
import { JSON_TOO_DEEP, jsonDepthExceeds, type S3BindingStore } from '@sluice/shared';
import type { PushDispatcher } from '../dispatch/push-dispatcher.js';
import { parseS3Record, s3EventSchema, s3RecordEvent } from '../events/s3-event-record.js';
import { IngressError } from '../http/ingress-error.js';
import { snsMessageSchema, type SnsMessage } from '../sns/sns-message.js';
import type { SnsMessageVerifier } from '../sns/sns-signature-verifier.js';
import type { SubscriptionConfirmer } from '../sns/subscription-confirmer.js';

export interface SnsRouteDeps {
  readonly dispatcher: PushDispatcher;
  readonly verifier: SnsMessageVerifier;
  readonly confirmer: SubscriptionConfirmer;
  readonly bindings: S3BindingStore;
  readonly region: string;
}

/**
 * SNS HTTP(S) deliveries: every message's signature is verified first; Notifications whose Message
 * is an S3 event are dispatched; SubscriptionConfirmations are confirmed only for topics a binding
 * names; UnsubscribeConfirmations are acknowledged and logged.
 * https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html
 */
export function snsRoute(app: FastifyInstance, deps: SnsRouteDeps): void {
  app.post('/sns', async (request, reply) => {
    const parsed = snsMessageSchema.safeParse(request.body);
    if (!parsed.success) throw new IngressError('InvalidRequestContentException', 'The body is not an SNS HTTP(S) message.');
    const message = parsed.data;
    await deps.verifier.verify(message);
    const log = request.log.child({ topicArn: message.TopicArn, messageId: message.MessageId, type: message.Type });
    switch (message.Type) {
      case 'SubscriptionConfirmation':
        return reply.code(200).send(await confirm(message, deps, log));
      case 'UnsubscribeConfirmation':
        log.warn('SNS unsubscribed this endpoint from the topic');
        return reply.code(200).send({ Unsubscribed: true });
      case 'Notification':
        return reply.code(200).send(await notify(message, deps, log));
    }
  });
}

async function confirm(message: SnsMessage, deps: SnsRouteDeps, log: FastifyBaseLogger) {
  if ((await deps.bindings.countForTopic(message.TopicArn)) === 0) {
    throw new IngressError('AccessDeniedException', `No S3 binding expects topic ${message.TopicArn}; the subscription is not confirmed.`);
  }
  await deps.confirmer.confirm(message);
  log.info('SNS subscription confirmed');
  return { Confirmed: true };
}

async function notify(message: SnsMessage, deps: SnsRouteDeps, log: FastifyBaseLogger) {
  // The Message is JSON in a string, so the body parser's depth check never saw it.
  if (jsonDepthExceeds(message.Message)) throw new IngressError('InvalidRequestContentException', `The SNS Message is ${JSON_TOO_DEEP}.`);
  let content: unknown;
  try {
    content = JSON.parse(message.Message);
  } catch {
    content = undefined;
  }
  const event = s3EventSchema.safeParse(content);
  if (!event.success) {
    // s3:TestEvent (sent when a bucket's notification configuration is put) and anything that is
    // not an S3 event: acknowledged, so SNS does not retry it, and not invoked.
    log.info({ event: (content as { Event?: unknown } | undefined)?.Event }, 'SNS notification is not an S3 event; ignored');
    return { Queued: 0, Ignored: true };
  }
  const records = event.data.Records.flatMap((value, index) => {
    const record = parseS3Record(value);
    return record === undefined ? [] : [s3RecordEvent(record, index, { region: deps.region, snsMessageId: message.MessageId })];
  });
  const result = await deps.dispatcher.dispatch('sns', records, { topicArn: message.TopicArn });
  return { Records: records.length, Queued: result.queued, Duplicates: result.duplicates, Unmatched: result.unmatched };
}
