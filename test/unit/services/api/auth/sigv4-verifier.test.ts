import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4 } from '../../../../../services/api/src/auth/sigv4-verifier.js';
import { NodeSha256 } from '../../../../../services/api/src/auth/node-sha256.js';

const secret = 'the-api-token';
const signingDate = new Date(Date.UTC(2026, 10, 26, 12, 0, 0));

/** Signs a request the way the AWS SDK's Lambda client does (path already escaped once). */
async function signed(body: string, path = '/2015-03-31/event-source-mappings/', query: Record<string, string> = {}, key = secret) {
  const signer = new SignatureV4({ credentials: { accessKeyId: 'AKID', secretAccessKey: key }, region: 'us-east-1', service: 'lambda', sha256: NodeSha256 });
  const request = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 9070, path, query, headers: { host: '127.0.0.1:9070', 'content-type': 'application/json' }, body },
    { signingDate },
  );
  const qs = new URLSearchParams(query).toString();
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'POST', url: qs === '' ? path : `${path}?${qs}`, headers, body };
}

describe('verifySigV4 (secret = Sluice API token)', () => {
  it('accepts a signature made with the token', async () => {
    expect(await verifySigV4(await signed('{"BatchSize":5}'), secret, signingDate.getTime())).toBe(true);
    const withQuery = await signed('', '/2015-03-31/event-source-mappings/', { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:f', MaxItems: '5' });
    expect(await verifySigV4(withQuery, secret, signingDate.getTime())).toBe(true);
  });

  it('refuses another secret, a changed body, a changed path and a stale date', async () => {
    expect(await verifySigV4(await signed('{}', undefined, {}, 'other-secret'), secret, signingDate.getTime())).toBe(false);
    const request = await signed('{"BatchSize":5}');
    expect(await verifySigV4({ ...request, body: '{"BatchSize":6}' }, secret, signingDate.getTime())).toBe(false);
    expect(await verifySigV4({ ...request, url: '/2015-03-31/event-source-mappings/x' }, secret, signingDate.getTime())).toBe(false);
    expect(await verifySigV4(request, secret, signingDate.getTime() + 16 * 60 * 1000)).toBe(false);
  });

  it('refuses requests without a SigV4 Authorization header', async () => {
    const request = await signed('{}');
    expect(await verifySigV4({ ...request, headers: { ...request.headers, authorization: 'Bearer x' } }, secret, signingDate.getTime())).toBe(false);
    const { authorization: _dropped, ...unsigned } = request.headers;
    expect(await verifySigV4({ ...request, headers: unsigned }, secret, signingDate.getTime())).toBe(false);
  });
});
