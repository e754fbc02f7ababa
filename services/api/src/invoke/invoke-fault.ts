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
    switch (error.code) {
      case ErrorCode.InvokeTransport:
        return new LambdaApiError('ServiceException', `Function ${functionName} could not be invoked: ${error.message}`, { cause: error, status: UPSTREAM_STATUS });
      case ErrorCode.InvokerUnavailable:
        return new LambdaApiError('ServiceException', `Function ${functionName} cannot be invoked by this Sluice: ${error.message}`, {
          cause: error,
          status: UPSTREAM_STATUS,
        });
      case ErrorCode.FunctionNotFound:
        return new LambdaApiError('ServiceException', `The code behind function ${functionName} was not found: ${error.message}`, {
          cause: error,
          status: UPSTREAM_STATUS,
        });
    }
  }
  return new LambdaApiError('ServiceException', 'An internal error occurred; see the Sluice logs for the request id.', { cause: error });
}
