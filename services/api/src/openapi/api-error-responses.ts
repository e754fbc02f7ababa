import { z } from 'zod';
import type { ContractResponse } from '@sluice/shared';

/**
 * Every refusal of the API in Lambda's error shape (http/error-handler.ts lambdaErrorBody): the
 * exception name in `x-amzn-ErrorType`, `{"Type","Message"}` in the body, Sluice's diagnosis in
 * `SluiceDetail`, and some errors' own string members (TooManyRequestsException's `Reason`).
 * https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
 */
export const lambdaErrorBodySchema = z
  .object({ Type: z.enum(['User', 'Service']), Message: z.string(), SluiceDetail: z.string().optional() })
  .catchall(z.string());

const ERROR_TYPE_HEADER = { 'x-amzn-ErrorType': { description: "The exception's name, as Lambda's API names it (the SDKs' error class)." } };

export function errorResponse(description: string): ContractResponse {
  return { description, body: lambdaErrorBodySchema, headers: ERROR_TYPE_HEADER };
}

/** What any call may be refused with: a bad request (ValidationException, InvalidParameterValueException, InvalidRequestContentException, a URL that does not decode). */
export const BAD_REQUEST = { 400: errorResponse('The request breaks a constraint (ValidationException, InvalidParameterValueException) or does not parse (InvalidRequestContentException).') };

/** When SLUICE_API_TOKEN is set, a call without it (or with a wrong one). */
export const UNAUTHORISED = { 401: errorResponse('UnrecognizedClientException: the Sluice API token is missing or wrong.') };

/** What a call with a body may also be refused with. */
export const BODY_REFUSALS = {
  413: errorResponse('RequestTooLargeException: the body exceeds SLUICE_API_BODY_LIMIT_BYTES.'),
  415: errorResponse('UnsupportedMediaTypeException: the body is not JSON (application/json, application/x-amz-json-1.1, text/plain, binary/octet-stream).'),
};

export const NOT_FOUND = { 404: errorResponse('ResourceNotFoundException: nothing has that name or id.') };
export const CONFLICT = { 409: errorResponse('ResourceConflictException.') };
export const TOO_MANY_REQUESTS = { 429: errorResponse('TooManyRequestsException: a concurrent change of the same bucket; retry.') };
