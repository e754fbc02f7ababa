import { JSON_TOO_DEEP, jsonDepthExceeds } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';
import type { InvocationType } from './invocation-options.js';

/**
 * Lambda's invocation payload quotas: 6 MB for synchronous invocations (RequestResponse, and DryRun,
 * which validates as one), 1 MB for asynchronous ones (Event).
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD_BYTES = 1024 * 1024;

/** Lambda's messages for each quota: the sync one counts the request, the async one the payload. */
export function requestTooLarge(invocationType: InvocationType, bytes: number): LambdaApiError {
  const message =
    invocationType === 'Event'
      ? `${bytes} byte payload is too large for the Event invocation type (limit ${MAX_ASYNC_PAYLOAD_BYTES} bytes)`
      : `Request must be smaller than ${MAX_SYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`;
  return new LambdaApiError('RequestTooLargeException', message);
}

/**
 * The payload as the function gets it: within the invocation type's quota and JSON (any JSON value)
 * nested at most MAX_JSON_DEPTH deep; anything else is InvalidRequestContentException, "The request
 * body could not be parsed as JSON" (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors).
 * No payload is the empty object, as Lambda hands a function `{}` when it is invoked without one.
 */
export function invokePayload(body: string | undefined, invocationType: InvocationType): string {
  if (body === undefined || body === '') return '{}';
  const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
  const bytes = Buffer.byteLength(body);
  if (bytes > limit) throw requestTooLarge(invocationType, bytes);
  // Too deep for the records and logs built from it later (JSON.stringify overflows the stack).
  if (jsonDepthExceeds(body)) throw unparseablePayload(JSON_TOO_DEEP);
  try {
    JSON.parse(body);
  } catch (error) {
    throw unparseablePayload((error as Error).message, error);
  }
  return body;
}

/** Lambda's answer to a payload it cannot read: 400 InvalidRequestContentException (API_Invoke's Errors). */
function unparseablePayload(reason: string, cause?: unknown): LambdaApiError {
  return new LambdaApiError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${reason}`, { cause });
}
