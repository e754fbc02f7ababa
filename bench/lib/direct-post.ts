import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The baseline's HTTP client: the same POST Sluice's HttpInvoker sends (node:http, a keep-alive
 * Agent with Node's defaults, the same headers), with nothing around it: no function lookup, no
 * classification, no timeout timer. Resolves with the status once the whole body is read.
 */
export function createDirectPost(url: string): { post(payload: string): Promise<number>; close(): void } {
  const agent = new Agent({ keepAlive: true });
  const target = new URL(url);
  return {
    post: (payload) =>
      new Promise((resolve, reject) => {
        const req = request(target, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-amzn-requestid': randomUUID() },
        });
        req.on('error', reject);
        req.on('response', (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        });
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}
