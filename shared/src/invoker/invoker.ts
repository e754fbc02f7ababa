import type { FunctionDefinition } from '../functions/function-definition.js';

export interface InvokeRequest {
  readonly fn: FunctionDefinition;
  /** The event, serialised once by the caller. */
  readonly payload: string;
  /** Unique per attempt; the function sees it as its request id. */
  readonly requestId: string;
  readonly signal?: AbortSignal;
}

/**
 * What came back from a function that ran. A function error is a result, not a throw: the caller
 * decides what it costs. Faults before or around the function (unreachable, our timeouts before it
 * ran) are thrown as SluiceError with code InvokeTransport / InvokerUnavailable.
 */
export interface InvokeResult {
  /** Undefined on success; 'Unhandled' (Lambda's word) when the function failed or timed out. */
  readonly functionError?: 'Unhandled' | 'Handled';
  /** The function's response body as text (may be empty). */
  readonly payload: string;
  readonly statusCode: number;
  readonly durationMs: number;
  /**
   * The invocation's log output when the invoker has it (local Node runtime, Lambda's Tail): at most
   * the last 4 KB, as the Invoke API's `X-Amz-Log-Result` carries it
   * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
   */
  readonly logTail?: string;
}

/**
 * What Lambda's Invoke answers for a function that ran, whatever became of it: 200, a function
 * error being named by X-Amz-Function-Error, not by the status. The destination records'
 * `responseContext.statusCode` is this, also for an http function that answered 500.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax
 */
export const INVOKED_STATUS_CODE = 200;

/** Calls a function wherever it runs; one implementation per invoker type (http, lambda, node). */
export interface Invoker {
  invoke(request: InvokeRequest): Promise<InvokeResult>;
}
