import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ErrorCode, SluiceError, type InvokeRequest, type InvokeResult, type Invoker } from '@sluice/shared';
import { classifyLambdaError } from './lambda-invoke-error.js';

/**
 * How long past the function's Timeout we wait for Lambda's answer. Lambda itself ends a function at
 * its Timeout and answers with a timeout error, so silence beyond that plus this margin is the
 * network's fault (ours), not the function's.
 */
const ANSWER_MARGIN_MS = 10_000;

export interface LambdaInvokerOptions {
  readonly region: string;
  /** The Lambda endpoint (AWS_ENDPOINT_URL_LAMBDA / AWS_ENDPOINT_URL); a function's EndpointUrl wins. */
  readonly endpoint?: string;
  /** Static credentials (tests, stubs); otherwise the SDK's default provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Clock for durations (ms); injectable for tests. */
  readonly now?: () => number;
}

/**
 * Calls a function that lives in Lambda (`{type:'lambda', functionName, qualifier?, endpointUrl?}`)
 * with the SDK's Invoke, synchronously (RequestResponse) as Lambda's own stream mappings do
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html), against AWS or an emulator.
 *
 * A function error is a 200 with FunctionError (`Unhandled`, or the legacy `Handled`) and the error
 * object as payload (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html): returned as a
 * result. Everything the SDK throws is classified by classifyLambdaError. The SDK's own retries are
 * off (maxAttempts 1): our backoff is the one retry layer, and it knows what a retry may cost.
 * LogType Tail asks for the last 4 KB of the function's log, returned as `logTail`.
 */
export class LambdaInvoker implements Invoker {
  private readonly clients = new Map<string, LambdaClient>();
  private readonly now: () => number;

  constructor(private readonly options: LambdaInvokerOptions) {
    this.now = options.now ?? Date.now;
  }

  async invoke(request: InvokeRequest): Promise<InvokeResult> {
    const { fn } = request;
    if (fn.invoker.type !== 'lambda') {
      throw new SluiceError(ErrorCode.InvokerUnavailable, `function ${fn.name} is not a lambda function (${fn.invoker.type})`);
    }
    const { functionName, qualifier, endpointUrl } = fn.invoker;
    const client = this.clientFor(endpointUrl ?? this.options.endpoint);
    const signals = [AbortSignal.timeout(fn.timeout * 1000 + ANSWER_MARGIN_MS), ...(request.signal ? [request.signal] : [])];
    const started = this.now();
    try {
      const response = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          LogType: 'Tail',
          Payload: Buffer.from(request.payload, 'utf8'),
          ...(qualifier === undefined ? {} : { Qualifier: qualifier }),
        }),
        { abortSignal: AbortSignal.any(signals) },
      );
      const durationMs = this.now() - started;
      const functionError = response.FunctionError === undefined ? undefined : response.FunctionError === 'Handled' ? 'Handled' : 'Unhandled';
      return {
        ...(functionError === undefined ? {} : { functionError }),
        payload: response.Payload === undefined ? '' : Buffer.from(response.Payload).toString('utf8'),
        statusCode: response.StatusCode ?? 200,
        durationMs,
        ...(response.LogResult === undefined ? {} : { logTail: Buffer.from(response.LogResult, 'base64').toString('utf8') }),
      };
    } catch (error) {
      throw classifyLambdaError(error, functionName);
    }
  }

  /** Closes every client's connections. */
  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  /** One client per endpoint (a function may name its own), kept for its keep-alive connections. */
  private clientFor(endpoint: string | undefined): LambdaClient {
    const key = endpoint ?? '';
    let client = this.clients.get(key);
    if (client === undefined) {
      client = new LambdaClient({
        region: this.options.region,
        maxAttempts: 1,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
        // No request timeout here: functions run up to 900 s; each call carries its own deadline.
        requestHandler: new NodeHttpHandler({
          connectionTimeout: 5_000,
          httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 1024 }),
          httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 1024 }),
        }),
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
