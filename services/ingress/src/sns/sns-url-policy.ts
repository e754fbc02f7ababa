/**
 * Which URLs in an SNS message Sluice may fetch (SigningCertURL) or call (SubscribeURL): never
 * wherever a message points. SNS's own are https on `sns.<region>.amazonaws.com` (or `.com.cn`),
 * as AWS's verification guide asks ("Verify the certificate was received from Amazon SNS").
 * https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 * Other hosts only when configured (an emulator's), and an emulator that serves its certificates
 * under SNS's own URLs (moto) has those URLs' paths fetched from its configured endpoint instead.
 */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;
const CERT_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;

export interface SnsUrlPolicyOptions {
  /** host or host:port, lowercase (SLUICE_SNS_CERT_HOSTS). */
  readonly extraHosts: readonly string[];
  /** SLUICE_SNS_CERT_ENDPOINT. */
  readonly snsEndpoint?: string;
}

/** Where to send the request, and whether it goes to the configured emulator endpoint (then signed as SNS). */
export interface SnsUrlTarget {
  readonly url: URL;
  readonly viaEndpoint: boolean;
}

export class SnsUrlPolicy {
  constructor(private readonly options: SnsUrlPolicyOptions) {}

  /** The URL to use for this certificate or SubscribeURL, or undefined when it may not be fetched. */
  resolve(raw: string, kind: 'cert' | 'subscribe'): SnsUrlTarget | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return undefined;
    }
    if (url.username !== '' || url.password !== '') return undefined;
    if (url.protocol === 'https:' && url.port === '' && SNS_HOST.test(url.hostname)) {
      if (kind === 'cert' && !CERT_PATH.test(url.pathname)) return undefined;
      if (kind === 'subscribe' && (url.pathname !== '/' || url.searchParams.get('Action') !== 'ConfirmSubscription')) return undefined;
      if (this.options.snsEndpoint === undefined) return { url, viaEndpoint: false };
      return { url: new URL(`${url.pathname}${url.search}`, this.options.snsEndpoint), viaEndpoint: true };
    }
    const allowed = this.options.extraHosts.includes(url.host.toLowerCase()) || this.options.extraHosts.includes(url.hostname.toLowerCase());
    if (allowed && (url.protocol === 'http:' || url.protocol === 'https:')) return { url, viaEndpoint: false };
    return undefined;
  }
}
