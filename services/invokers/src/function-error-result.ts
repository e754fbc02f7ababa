import type { InvokeResult } from '@sluice/shared';

/** A function error (`Unhandled`) with Lambda's error body, `{errorType, errorMessage}` plus extras. */
export function functionErrorResult(
  errorType: string,
  errorMessage: string,
  statusCode: number,
  durationMs: number,
  extra: Readonly<Record<string, unknown>> = {},
): InvokeResult {
  return { functionError: 'Unhandled', payload: JSON.stringify({ errorType, errorMessage, ...extra }), statusCode, durationMs };
}

/**
 * Lambda's answer to an invocation that outlived its Timeout: 200, X-Amz-Function-Error Unhandled and
 * this body. https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
 */
export function timedOutResult(requestId: string, timeoutSeconds: number, durationMs: number): InvokeResult {
  return functionErrorResult('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`, 200, durationMs);
}
