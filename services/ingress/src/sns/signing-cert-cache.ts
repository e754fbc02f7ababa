import { X509Certificate, type KeyObject } from 'node:crypto';
import { IngressError } from '../http/ingress-error.js';
import type { SnsFetcher } from './sns-fetcher.js';
import type { SnsUrlPolicy } from './sns-url-policy.js';

export interface SigningCertCacheOptions {
  readonly policy: SnsUrlPolicy;
  readonly fetch: SnsFetcher;
  /** Certificates kept at most this long (and never past their validity). */
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly key: Promise<KeyObject>;
  readonly expiresAt: number;
}

/**
 * SNS signing certificates by URL: checked against the URL policy before anything is fetched,
 * fetched once (concurrent deliveries share the fetch), kept while valid. A certificate outside
 * its validity period is refused.
 */
export class SigningCertCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: SigningCertCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async publicKey(certUrl: string): Promise<KeyObject> {
    const target = this.options.policy.resolve(certUrl, 'cert');
    if (target === undefined) {
      throw new IngressError('InvalidSignatureException', `SigningCertURL is not an SNS certificate URL Sluice may fetch: ${certUrl}`);
    }
    const cacheKey = target.url.href;
    const cached = this.entries.get(cacheKey);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached.key;
    const key = this.load(target);
    this.remember(cacheKey, { key, expiresAt: this.now() + (this.options.ttlMs ?? 3_600_000) });
    // A failed fetch is not cached: the next delivery (SNS retries) tries again.
    key.catch(() => this.entries.delete(cacheKey));
    return key;
  }

  private async load(target: Parameters<SnsFetcher>[0]): Promise<KeyObject> {
    let pem: string;
    try {
      pem = await this.options.fetch(target);
    } catch (error) {
      throw new IngressError('ServiceUnavailableException', `The SNS signing certificate could not be fetched: ${(error as Error).message}`, { cause: error });
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch (error) {
      throw new IngressError('InvalidSignatureException', 'SigningCertURL did not serve an X.509 certificate.', { cause: error });
    }
    const now = this.now();
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) {
      throw new IngressError('InvalidSignatureException', `The SNS signing certificate is not valid now (${cert.validFrom} - ${cert.validTo}).`);
    }
    return cert.publicKey;
  }

  private remember(url: string, entry: Entry): void {
    this.entries.delete(url);
    this.entries.set(url, entry);
    const max = this.options.maxEntries ?? 100;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!);
  }
}
