import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ErrorCode, SluiceError, type InvokeRequest, type InvokeResult, type Invoker } from '@sluice/shared';
import { functionErrorResult, timedOutResult } from './function-error-result.js';
import { isLambdaErrorBody } from './lambda-error-body.js';

/**
 * Lambda's limit on a synchronous response: a larger answer is a function error.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/**
 * The Runtime Interface Emulator's invoke path, served by every AWS Lambda container image.
 * https://docs.aws.amazon.com/lambda/latest/dg/images-test.html
 */
export const RIE_INVOKE_PATH = '/2015-03-31/functions/function/invocations';

export interface HttpInvokerOptions {
  /** Clock for durations (ms); injectable for tests. */
  readonly now?: () => number;
  readonly maxResponseBytes?: number;
}

/**
 * Calls a function that is a plain HTTP endpoint (`{type:'http', url}`): POSTs the event as JSON,
 * as Lambda's Runtime Interface Emulator expects, over keep-alive connections.
 *
 * Classification (errors are data, decided here once):
 * - an `X-Amz-Function-Error` header (`Unhandled`, or the legacy `Handled`) is a function error of
 *   that kind whatever the status, as the Invoke API reports one
 *   (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html);
 * - at the Runtime Interface Emulator's path (RIE_INVOKE_PATH), a 2xx whose body is a runtime error
 *   object (`{errorType, errorMessage, ...}`) is a function error: the RIE sends no header;
 * - otherwise a 2xx answer is success; any other status is a function error ('Unhandled');
 * - no answer within the function's Timeout, once the request reached it, is a function error with
 *   Lambda's "Task timed out after N.00 seconds" message (a timed-out function still costs a retry);
 * - no connection (refused, DNS, reset, unreachable before the timeout) before any response is
 *   ours: SluiceError InvokeTransport, retryable, and it does not spend the mapping's retry budget.
 *
 * node:http rather than fetch: Lambda timeouts go up to 900 s, past undici's fixed 300 s header
 * timeout, and we need to know whether the connection was ever made.
 */
export class HttpInvoker implements Invoker {
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  } as const;
  private readonly now: () => number;
  private readonly maxResponseBytes: number;

  constructor(options: HttpInvokerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const { fn } = request;
    if (fn.invoker.type !== 'http') {
      throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name} is not an http function (${fn.invoker.type})`);
    }
    const url = new URL(fn.invoker.url);
    const agent = url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const started = this.now();
    const outcome = await new Promise<Outcome>((resolve) => {
      const req = send(url, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.payload),
          // The function sees our per-attempt id, as a Lambda function sees its request id.
          'x-amzn-requestid': request.requestId,
        },
      });
      exchange(req, request, fn.timeout * 1000, this.maxResponseBytes, resolve);
    });
    const durationMs = this.now() - started;
    return toResult(outcome, request, durationMs);
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

type Outcome =
  | { readonly kind: 'response'; readonly status: number; readonly body: string; readonly functionError: string | undefined }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'too-large'; readonly status: number; readonly limit: number }
  | { readonly kind: 'broken'; readonly status: number; readonly error: Error }
  | { readonly kind: 'transport'; readonly error: Error }
  | { readonly kind: 'aborted' };

/** Runs one request/response exchange and reports how it ended; never rejects. */
function exchange(req: ClientRequest, request: InvokeRequest, timeoutMs: number, maxBytes: number, done: (o: Outcome) => void): void {
  let settled = false;
  let connected = false;
  let response: IncomingMessage | undefined;
  const finish = (outcome: Outcome) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
    if (outcome.kind !== 'response') req.destroy();
    done(outcome);
  };
  const timer = setTimeout(() => {
    // A request that never reached the function did not run it: that is ours, not a timeout.
    if (connected) finish({ kind: 'timeout' });
    else finish({ kind: 'transport', error: new Error(`no connection within ${timeoutMs} ms`) });
  }, timeoutMs);
  const onAbort = () => finish({ kind: 'aborted' });
  if (request.signal?.aborted) return finish({ kind: 'aborted' });
  request.signal?.addEventListener('abort', onAbort, { once: true });

  req.on('socket', (socket) => {
    if (!socket.connecting) connected = true;
    else socket.once('connect', () => (connected = true));
  });
  req.on('error', (error) => {
    if (response === undefined) finish({ kind: 'transport', error });
    else finish({ kind: 'broken', status: response.statusCode ?? 0, error });
  });
  req.on('response', (res) => {
    response = res;
    readResponse(res, maxBytes, finish);
  });
  req.end(request.payload);
}

/** Collects the body up to maxBytes; once a status arrived, every ending is the function's. */
function readResponse(res: IncomingMessage, maxBytes: number, finish: (o: Outcome) => void): void {
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) return finish({ kind: 'too-large', status, limit: maxBytes });
    chunks.push(chunk);
  });
  const header = res.headers['x-amz-function-error'];
  const functionError = Array.isArray(header) ? header[0] : header;
  res.on('end', () => finish({ kind: 'response', status, body: Buffer.concat(chunks).toString('utf8'), functionError }));
  res.on('error', (error) => finish({ kind: 'broken', status, error }));
  res.on('close', () => {
    if (!res.complete) finish({ kind: 'broken', status, error: new Error('connection closed mid-response') });
  });
}

function toResult(outcome: Outcome, request: InvokeRequest, durationMs: number): InvokeResult {
  const { fn } = request;
  switch (outcome.kind) {
    case 'response': {
      const functionError = classifyResponse(outcome, url(request));
      return { ...(functionError === undefined ? {} : { functionError }), payload: outcome.body, statusCode: outcome.status, durationMs };
    }
    case 'timeout':
      return timedOutResult(request.requestId, fn.timeout, durationMs);
    case 'too-large':
      return functionErrorResult('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${outcome.limit} bytes).`, outcome.status, durationMs);
    case 'broken':
      // The function had started answering, so it ran: its broken answer is its error, not ours.
      return functionErrorResult('Runtime.ResponseBroken', `RequestId: ${request.requestId} Error: response ended early (${outcome.error.message})`, outcome.status, durationMs);
    case 'transport':
      throw new SluiceError(ErrorCode.InvokeTransport, `could not reach function ${fn.name}: ${describe(outcome.error)}`, {
        retryable: true,
        cause: outcome.error,
      });
    case 'aborted':
      throw new SluiceError(ErrorCode.InvokeTransport, `invocation of ${fn.name} was cancelled`, { retryable: true });
  }
}

/** Whether (and how) an answer is a function error; see the class comment for the rules. */
function classifyResponse(outcome: Extract<Outcome, { kind: 'response' }>, target: URL | undefined): 'Unhandled' | 'Handled' | undefined {
  // Lambda's header values are Unhandled and Handled; anything else present still means failure.
  if (outcome.functionError !== undefined && outcome.functionError !== '') return outcome.functionError === 'Handled' ? 'Handled' : 'Unhandled';
  if (outcome.status < 200 || outcome.status >= 300) return 'Unhandled';
  if (target?.pathname.endsWith(RIE_INVOKE_PATH) === true && isLambdaErrorBody(outcome.body)) return 'Unhandled';
  return undefined;
}

function url(request: InvokeRequest): URL | undefined {
  return request.fn.invoker.type === 'http' ? new URL(request.fn.invoker.url) : undefined;
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined || error.message.includes(code) ? error.message : `${code} ${error.message}`;
}
