import { parseFunctionRef } from '@sluice/shared';
import { invalidParameter, validationException } from '../errors/lambda-api-error.js';

const QUALIFIER = /^[a-zA-Z0-9$_-]{1,128}$/;

/**
 * A FunctionName with the `Qualifier` query parameter folded in, as Lambda reads the pair: the
 * qualifier may come with the name (`my-function:$LATEST`, an ARN with `:alias`) or as the
 * parameter, and when both are given they must agree.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax
 */
export function qualifiedFunctionName(functionName: string, qualifier: string | undefined): string {
  if (qualifier === undefined) return functionName;
  // The model's pattern, so the framework's ValidationException (recorded on AWS: add_permission_fn_qualifier_invalid
  // in LocalStack's tests/aws/services/lambda_/test_lambda_api.snapshot.json).
  if (!QUALIFIER.test(qualifier)) {
    throw validationException(
      `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
    );
  }
  const named = parseFunctionRef(functionName)?.qualifier;
  if (named === undefined) return `${functionName}:${qualifier}`;
  if (named !== qualifier) throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  return functionName;
}
