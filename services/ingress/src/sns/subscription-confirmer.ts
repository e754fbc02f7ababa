import { IngressError } from '../http/ingress-error.js';
import type { SnsFetcher } from './sns-fetcher.js';
import type { SnsMessage } from './sns-message.js';
import type { SnsUrlPolicy } from './sns-url-policy.js';

/**
 * Confirms an SNS subscription the way AWS documents for HTTP endpoints: a GET of the message's
 * SubscribeURL, allowed only by the same URL policy as certificates.
 * https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html
 */
export class SubscriptionConfirmer {
  constructor(
    private readonly policy: SnsUrlPolicy,
    private readonly fetch: SnsFetcher,
  ) {}

  async confirm(message: SnsMessage): Promise<void> {
    const target = message.SubscribeURL === undefined ? undefined : this.policy.resolve(message.SubscribeURL, 'subscribe');
    if (target === undefined) {
      throw new IngressError('AccessDeniedException', `SubscribeURL is not an SNS URL Sluice may call: ${message.SubscribeURL ?? '(none)'}`);
    }
    try {
      await this.fetch(target);
    } catch (error) {
      throw new IngressError('ServiceUnavailableException', `Confirming the subscription failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
