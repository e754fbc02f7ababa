import { SluiceError } from '@sluice/shared';

export interface LambdaApiErrorOptions {
  readonly cause?: unknown;
  readonly status?: number;
  /** Members some errors carry beside Type and Message (TooManyRequestsException's `Reason`). */
  readonly extra?: Readonly<Record<string, string>>;
  /**
   * Sluice's own diagnosis (which filter, which field, why): sent as the body's `SluiceDetail`
   * member and logged, never in `Message`, which is AWS's sentence alone (test suites snapshot it).
   */
  readonly detail?: string;
}

/**
 * An error answered in Lambda's rest-json shape: the exception name in `x-amzn-ErrorType`,
 * `{"Type":"User"|"Service","Message":...}` as the body (plus `SluiceDetail` when Sluice has more
 * to say), and the status Lambda's model gives it. The AWS SDK and CLI turn the header into their
 * own exception classes.
 * https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
 */
export class LambdaApiError extends SluiceError {
  readonly extra: Readonly<Record<string, string>>;
  readonly detail: string | undefined;
  private readonly statusOverride: number | undefined;

  constructor(
    readonly errorType: LambdaErrorType,
    message: string,
    options: LambdaApiErrorOptions = {},
  ) {
    const status = options.status ?? LAMBDA_ERRORS[errorType].status;
    super(errorType, message, { retryable: status >= 500 || errorType === 'TooManyRequestsException', cause: options.cause });
    this.statusOverride = options.status;
    this.extra = options.extra ?? {};
    this.detail = options.detail;
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
  // Not a Lambda error: AWS's request framework answers a request that breaks the API model's own
  // constraints (a range, an enum, a length, a pattern, a required member) with it, before Lambda
  // sees the request, so SDKs raise their generic service exception named ValidationException
  // (recorded on AWS: LocalStack's tests/aws/services/lambda_/event_source_mapping/test_api.snapshot.json).
  ValidationException: { status: 400 },
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

const withDetail = (detail: string | undefined) => (detail === undefined ? {} : { detail });

/** The API model's constraint broken: AWS's framework sentence ("1 validation error detected: ..."). */
export const validationException = (message: string, detail?: string) => new LambdaApiError('ValidationException', message, withDetail(detail));
export const invalidParameter = (message: string, detail?: string) => new LambdaApiError('InvalidParameterValueException', message, withDetail(detail));
export const notFound = (message: string, detail?: string) => new LambdaApiError('ResourceNotFoundException', message, withDetail(detail));
export const conflict = (message: string, detail?: string) => new LambdaApiError('ResourceConflictException', message, withDetail(detail));
export const inUse = (message: string, detail?: string) => new LambdaApiError('ResourceInUseException', message, withDetail(detail));
