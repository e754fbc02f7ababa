import type { Readable } from 'node:stream';

export interface BodyLimits {
  /** The largest body accepted, in bytes. */
  readonly limit: number;
  /** Up to this many bytes, a body over `limit` is still read (and dropped) before it is refused. */
  readonly drainLimit: number;
}

export type ReadBodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly bytes: number };

/**
 * Reads a request body as UTF-8 text up to `limit` bytes. A body over the limit is read to its end
 * all the same (up to `drainLimit`) and then refused: refusing while the client is still sending
 * makes the server close the socket under it, and the client sees EPIPE or ECONNRESET instead of the
 * 413 that says why (Lambda answers a too-large Invoke with RequestTooLargeException:
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). Past `drainLimit` (or a
 * Content-Length above it) the refusal comes at once and the connection is cut, so nobody can make
 * the API read without end. `bytes` is what was seen of an oversized body (its Content-Length when
 * given).
 */
export function readTextBody(payload: Readable, contentLength: number, limits: BodyLimits): Promise<ReadBodyResult> {
  if (contentLength > limits.drainLimit) return Promise.resolve({ ok: false, bytes: contentLength });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (result: ReadBodyResult) => {
      payload.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += buffer.length;
      if (received <= limits.limit) chunks.push(buffer);
      else if (received > limits.drainLimit) finish({ ok: false, bytes: Math.max(received, contentLength || 0) });
    };
    const onEnd = () =>
      finish(received <= limits.limit ? { ok: true, text: Buffer.concat(chunks, received).toString('utf8') } : { ok: false, bytes: Math.max(received, contentLength || 0) });
    const onError = (error: Error) => {
      payload.off('data', onData).off('end', onEnd).off('error', onError);
      reject(error);
    };
    payload.on('data', onData).on('end', onEnd).on('error', onError);
    payload.resume();
  });
}
