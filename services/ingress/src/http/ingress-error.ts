import { SluiceError } from '@sluice/shared';

/**
 * An ingress refusal, answered in the same shape as Sluice's Lambda-compatible API
 * (`x-amzn-ErrorType` and `{"Type","Message"}`). Senders (S3-compatible stores, SNS, EventBridge)
 * only read the status: 2xx is delivered, 4xx is not retried by SNS's default policy for
 * signature failures, 5xx is retried.
 */
export const INGRESS_ERRORS = {
  InvalidRequestContentException: 400,
  UnrecognizedClientException: 401,
  InvalidSignatureException: 403,
  AccessDeniedException: 403,
  RequestTooLargeException: 413,
  UnsupportedMediaTypeException: 415,
  ServiceException: 500,
  ServiceUnavailableException: 503,
} as const;

export type IngressErrorType = keyof typeof INGRESS_ERRORS;

export class IngressError extends SluiceError {
  constructor(
    readonly errorType: IngressErrorType,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(errorType, message, { retryable: INGRESS_ERRORS[errorType] >= 500, ...options });
  }

  get status(): number {
    return INGRESS_ERRORS[this.errorType];
  }
}
