import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { SnsUrlTarget } from './sns-url-policy.js';

/** GETs an allowed SNS URL (a certificate or a SubscribeURL) and resolves with the body. */
export type SnsFetcher = (target: SnsUrlTarget) => Promise<string>;

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The real fetcher: no redirects (a redirect could lead anywhere), a timeout, a size cap. Requests
 * to the configured emulator endpoint are SigV4-signed as SNS requests, because moto server picks
 * the service a request is for from its signature's credential scope (unsigned, it is taken for S3).
 */
export function createSnsFetcher(options: { region: string; credentials?: AwsCredentialIdentityProvider; timeoutMs?: number }): SnsFetcher {
  const signer =
    options.credentials === undefined
      ? undefined
      : new SignatureV4({ service: 'sns', region: options.region, credentials: options.credentials, sha256: NodeSha256 });
  return async (target) => {
    const headers: Record<string, string> = { host: target.url.host };
    if (target.viaEndpoint && signer !== undefined) {
      const query = Object.fromEntries(target.url.searchParams);
      const signed = await signer.sign({
        method: 'GET',
        protocol: target.url.protocol,
        hostname: target.url.hostname,
        ...(target.url.port === '' ? {} : { port: Number(target.url.port) }),
        path: target.url.pathname,
        query,
        headers,
      });
      Object.assign(headers, signed.headers);
    }
    delete headers.host;
    const response = await fetch(target.url, { headers, redirect: 'error', signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${target.url.origin}${target.url.pathname} answered ${response.status}`);
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new Error(`GET ${target.url.origin}${target.url.pathname} answered more than ${MAX_BODY_BYTES} bytes`);
    return body;
  };
}

/** SHA-256 (or HMAC-SHA-256) in the shape the Smithy signer expects. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toKey(secret));
  }

  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toKey(secret: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof secret === 'string') return secret;
  if (secret instanceof ArrayBuffer) return new Uint8Array(secret);
  return new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
}

export type { AwsCredentialIdentity };
