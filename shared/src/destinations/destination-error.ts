import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';

/** A destination that did not take a failure record: always retryable, the record must not be lost. */
export function destinationError(type: string, destinationArn: string, cause: unknown): SluiceError {
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new SluiceError(ErrorCode.DestinationFailed, `${type} destination ${destinationArn} failed: ${reason}`, { retryable: true, cause });
}
