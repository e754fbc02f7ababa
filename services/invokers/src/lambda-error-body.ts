/** The keys Lambda's runtimes put in an error body (Node: trace; Python, Java: stackTrace, requestId). */
const ERROR_BODY_KEYS: ReadonlySet<string> = new Set(['errorType', 'errorMessage', 'trace', 'stackTrace', 'requestId', 'cause']);

/**
 * Whether a response body is a Lambda runtime's error object, e.g. the Node runtime's
 * `{"errorType":"Error","errorMessage":"boom","trace":[...]}`. The Runtime Interface Emulator answers
 * a failed invocation with 200 and this body but without X-Amz-Function-Error, so the body is all we
 * have. To keep ordinary answers that merely contain an `errorMessage` field from counting as errors,
 * every key must be one the runtimes write.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html
 */
export function isLambdaErrorBody(body: string): boolean {
  if (!body.startsWith('{')) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const record = parsed as Record<string, unknown>;
  const keys = Object.keys(record);
  const named = typeof record.errorType === 'string' || typeof record.errorMessage === 'string';
  return named && keys.every((key) => ERROR_BODY_KEYS.has(key));
}
