import { ErrorCode, SluiceError } from '@sluice/shared';
import { LambdaApiError } from '../errors/lambda-api-error.js';

/** Bad Gateway: the function's backend, not Sluice itself, could not be reached or refused the call. */
const UPSTREAM_STATUS = 502;

/**
 * A fault before or around the function (the invoker threw instead of returning a result) in
 * Lambda's terms. Lambda answers its own failures to run a function with a service error
 * (ServiceException, or the 502 family such as ResourceNotReadyException and EC2UnexpectedException),
 * never with a function error: the function did not run. Sluice keeps the modelled name
 * ServiceException, so every SDK raises the class it knows, with 502 for a backend that is
 * unreachable, unavailable or gone, which SDKs retry as a transient fault.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
 */
export function invokeFault(error: unknown, functionName: string): LambdaApiError {
  if (error instanceof LambdaApiError) return error;
  if (error instanceof SluiceError) {
    const upstream = (detail: string) => new LambdaApiError('ServiceException', SERVICE_FAULT, { cause: error, status: UPSTREAM_STATUS, detail });
    switch (error.code) {
      case ErrorCode.InvokeTransport:
        return upstream(`function ${functionName} could not be invoked: ${error.message}`);
      case ErrorCode.InvokerUnavailable:
        return upstream(`function ${functionName} cannot be invoked by this Sluice: ${error.message}`);
      case ErrorCode.FunctionNotFound:
        return upstream(`the code behind function ${functionName} was not found: ${error.message}`);
    }
  }
  return internalServiceError(error);
}

/**
 * Lambda's ServiceException sentence ("The service encountered an internal error", as LocalStack
 * words it; AWS's own for these faults was not found recorded, so inferred). What failed is
 * Sluice's detail and log line.
 */
export const SERVICE_FAULT = 'The Lambda service encountered an internal error.';

/** A fault of ours with nothing to tell the caller: the request id on the log line says the rest. */
export function internalServiceError(cause: unknown): LambdaApiError {
  return new LambdaApiError('ServiceException', SERVICE_FAULT, { cause, detail: 'see the Sluice logs for this request id' });
}
