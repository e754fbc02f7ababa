import { SluiceError } from '@sluice/shared';

/**
 * An error answered in Lambda's rest-json shape: the exception name in `x-amzn-ErrorType`,
 * `{"Type":"User"|"Service","Message":...}` as the body, and the status Lambda's model gives it.
 * The AWS SDK and CLI turn the header into their own exception classes.
 * https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
 */
export class LambdaApiError extends SluiceError {
  /** Members some errors carry beside Type and Message (TooManyRequestsException's `Reason`). */
  readonly extra: Readonly<Record<string, string>>;
  private readonly statusOverride: number | undefined;

  constructor(
    readonly errorType: LambdaErrorType,
    message: string,
    options: { cause?: unknown; status?: number; extra?: Readonly<Record<string, string>> } = {},
  ) {
    const status = options.status ?? LAMBDA_ERRORS[errorType].status;
    super(errorType, message, { retryable: status >= 500 || errorType === 'TooManyRequestsException', cause: options.cause });
    this.statusOverride = options.status;
    this.extra = options.extra ?? {};
  }

  get status(): number {
    return this.statusOverride ?? LAMBDA_ERRORS[this.errorType].status;
  }

  get faultType(): 'User' | 'Service' {
    return this.status >= 500 ? 'Service' : 'User';
  }
}

/** Lambda's modelled errors and their HTTP statuses (botocore lambda/2015-03-31/service-2.json). */
export const LAMBDA_ERRORS = {
  InvalidParameterValueException: { status: 400 },
  InvalidRequestContentException: { status: 400 },
  ResourceInUseException: { status: 400 },
  ResourceNotFoundException: { status: 404 },
  ResourceConflictException: { status: 409 },
  RequestTooLargeException: { status: 413 },
  UnsupportedMediaTypeException: { status: 415 },
  TooManyRequestsException: { status: 429 },
  PreconditionFailedException: { status: 412 },
  InvalidRuntimeException: { status: 502 },
  ServiceException: { status: 500 },
  // Not Lambda's: AWS answers unauthenticated calls with 403 UnrecognizedClientException; the
  // issue asks 401 for a missing or wrong Sluice API token, in the same shape.
  UnrecognizedClientException: { status: 401 },
  // AWS's front door answers unknown paths with this name.
  UnknownOperationException: { status: 404 },
} as const satisfies Record<string, { status: number }>;

export type LambdaErrorType = keyof typeof LAMBDA_ERRORS;

export const invalidParameter = (message: string) => new LambdaApiError('InvalidParameterValueException', message);
export const notFound = (message: string) => new LambdaApiError('ResourceNotFoundException', message);
export const conflict = (message: string) => new LambdaApiError('ResourceConflictException', message);
export const inUse = (message: string) => new LambdaApiError('ResourceInUseException', message);
