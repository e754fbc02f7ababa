import { ErrorCode } from './error-codes.js';
import { SluiceError } from './sluice-error.js';

/**
 * The default of an exhaustive switch: the compiler refuses the call while some case is missing
 * (a source kind added to the registry, say), and a value that gets here anyway is a bug.
 *
 * @example
 * switch (kind) { case 'sqs': ...; default: return unreachable(kind); }
 */
export function unreachable(value: never): never {
  throw new SluiceError(ErrorCode.InternalFault, `unhandled case: ${String(value)}`);
}
