import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from './node-sha256.js';

/** What the verifier needs of an incoming request, as it arrived on the wire. */
export interface SignedRequest {
  readonly method: string;
  /** Path and query exactly as sent (node's `req.url`). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
/** AWS refuses signatures more than 15 minutes from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** What an AWS SigV4 Authorization header says, read from the headers alone. */
export interface SigV4Authorization {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly signingDate: Date;
}

/**
 * The checks a SigV4 request passes before its body is read: a well-formed Authorization header and
 * an X-Amz-Date within AWS's 15 minutes. Undefined when either fails.
 */
export function parseSigV4Authorization(headers: SignedRequest['headers'], nowMs: number): SigV4Authorization | undefined {
  const authorization = header(headers, 'authorization');
  const match = authorization === undefined ? null : AUTHORIZATION.exec(authorization);
  const amzDate = header(headers, 'x-amz-date');
  if (match === null || amzDate === undefined) return undefined;
  const [, accessKeyId, , region, service, signedHeaderList, signature] = match;
  const signingDate = parseAmzDate(amzDate);
  if (signingDate === undefined || Math.abs(signingDate.getTime() - nowMs) > MAX_SKEW_MS) return undefined;
  return { accessKeyId: accessKeyId!, region: region!, service: service!, signedHeaders: signedHeaderList!.split(';'), signature: signature!, signingDate };
}

/**
 * Checks an AWS Signature Version 4 whose secret key is Sluice's API token, by signing the same
 * canonical request again and comparing. That lets the AWS SDK and CLI authenticate unchanged:
 * they sign with AWS_SECRET_ACCESS_KEY set to the token (any access key id).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export async function verifySigV4(request: SignedRequest, secret: string, nowMs: number): Promise<boolean> {
  const parsed = parseSigV4Authorization(request.headers, nowMs);
  if (parsed === undefined) return false;
  const { accessKeyId, region, service, signedHeaders, signature, signingDate } = parsed;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) return false;
    headers[name] = value;
  }
  // A client may sign a declared body hash instead of the body (x-amz-content-sha256): hold it to the bytes received.
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) return false;
  const [path, queryString = ''] = request.url.split('?', 2) as [string, string?];
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: secret },
    region,
    service,
    sha256: NodeSha256,
    // Every AWS service but S3 signs the already-escaped path escaped once more.
    uriEscapePath: service !== 's3',
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: request.method, protocol: 'http:', hostname: headers.host ?? 'localhost', path, query: parseQuery(queryString), headers, body: request.body },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
  return expected !== undefined && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

function parseQuery(queryString: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(queryString)) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}
