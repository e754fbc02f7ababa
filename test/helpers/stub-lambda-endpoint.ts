import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubLambdaCall {
  readonly functionName: string;
  readonly qualifier: string | null;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface StubLambdaEndpoint {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly calls: StubLambdaCall[];
  close(): Promise<void>;
}

/**
 * A stand-in for Lambda's Invoke API (moto's Lambda needs Docker): answers
 * `POST /2015-03-31/functions/{name}/invocations` through `answer`, and anything else with 404 in
 * Lambda's error shape. https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
export async function startStubLambdaEndpoint(answer: (call: StubLambdaCall, res: ServerResponse) => void): Promise<StubLambdaEndpoint> {
  const calls: StubLambdaCall[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(url.pathname);
      if (req.method !== 'POST' || match === null) {
        lambdaError(res, 404, 'UnknownOperationException', 'unknown operation');
        return;
      }
      const call = { functionName: decodeURIComponent(match[1]!), qualifier: url.searchParams.get('Qualifier'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      calls.push(call);
      answer(call, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Lambda's error answer: `x-amzn-ErrorType` and a `{Type, Message}` body. */
export function lambdaError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': 'stub' });
  res.end(JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', Message: message, message }));
}

/** Lambda's answer to a function that ran: 200, X-Amz-Executed-Version, and the function's payload. */
export function lambdaResult(res: ServerResponse, payload: string, extra: { functionError?: string; logResult?: string } = {}): void {
  res.writeHead(200, {
    'content-type': 'application/json',
    'x-amz-executed-version': '$LATEST',
    'x-amzn-requestid': 'stub',
    ...(extra.functionError === undefined ? {} : { 'x-amz-function-error': extra.functionError }),
    ...(extra.logResult === undefined ? {} : { 'x-amz-log-result': extra.logResult }),
  });
  res.end(payload);
}
