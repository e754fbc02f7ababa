import { LambdaApiError } from '../../../../services/api/src/errors/lambda-api-error.js';

/** The LambdaApiError `action` throws; anything else it throws is rethrown, and throwing nothing fails the test. */
export function refusal(action: () => unknown): LambdaApiError {
  try {
    action();
  } catch (error) {
    if (error instanceof LambdaApiError) return error;
    throw error;
  }
  throw new Error('expected a LambdaApiError');
}

/** The LambdaApiError `action` rejects with; resolving, or rejecting with anything else, fails the test. */
export async function rejection(action: Promise<unknown>): Promise<LambdaApiError> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof LambdaApiError) return error;
  throw new Error(`expected a LambdaApiError, got ${String(error)}`);
}
