import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpFunctionCall {
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
}

export interface HttpFunction {
  /** http://127.0.0.1:<port>/fn */
  readonly url: string;
  readonly calls: HttpFunctionCall[];
  /** TCP connections opened so far (keep-alive reuse keeps this low). */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A function as a plain HTTP endpoint on a free loopback port, for worker tests: `handle` answers
 * each call (status, body, delays, dropped sockets) and every call is recorded.
 */
export async function startHttpFunction(
  handle: (call: HttpFunctionCall, res: ServerResponse, req: IncomingMessage) => unknown,
): Promise<HttpFunction> {
  const calls: HttpFunctionCall[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      calls.push(call);
      void Promise.resolve(handle(call, res, req)).catch(() => res.destroy());
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fn`,
    calls,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nothing listens on (bound, read, released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
