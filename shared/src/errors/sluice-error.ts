/**
 * The base of every error Sluice raises: errors are data.
 * `code` is stable (loops and HTTP mapping branch on it), `retryable` says whether the same
 * call may succeed later, and `cause` keeps the original error for the log.
 */
export class SluiceError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
