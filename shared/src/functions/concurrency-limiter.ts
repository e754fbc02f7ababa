/**
 * A function's reserved concurrency (ReservedConcurrentExecutions) counted across every Sluice
 * process: an invocation holds a slot while it runs; when every slot is held, Lambda throttles
 * (429 TooManyRequestsException, ReservedFunctionConcurrentInvocationLimitExceeded).
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
export interface ConcurrencyLimiter {
  /**
   * Takes a slot of `functionName` when fewer than `limit` are held; undefined when all are.
   * A slot lapses by itself after `leaseMs` (its holder died); release it as soon as the invocation ends.
   */
  acquire(functionName: string, limit: number, leaseMs: number): Promise<ConcurrencySlot | undefined>;
}

export interface ConcurrencySlot {
  /** Frees the slot; idempotent. */
  release(): Promise<void>;
}
