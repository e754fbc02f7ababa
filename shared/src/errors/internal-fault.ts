import { ErrorCode } from './error-codes.js';
import { SluiceError } from './sluice-error.js';

/** Node's socket errors: the Redis server is down, restarting or out of reach. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** Redis replies that pass: loading its data, a busy script, a failover, memory full (https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors). */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|NOREPLICAS|OOM)\b/;

/** ioredis's own words for a connection it lost or has not got back (ioredis/built/utils CONNECTION_CLOSED_ERROR_MSG, Redis.js). */
const CONNECTION_LOST = /^(Connection is closed\.|Stream isn't writeable)/;

/** Whether an error means Redis could not be reached or could not serve now: the same call may work later. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (error.name === 'ReplyError') return TRANSIENT_REPLY.test(error.message);
  return CONNECTION_LOST.test(error.message);
}

/**
 * Classifies, once, an error Sluice's own machinery threw (a store read, a queue write, building
 * a record), as opposed to a function's or an AWS service's: a SluiceError keeps its own class;
 * Redis unavailable is a retryable StoreUnavailable; anything else is a non-retryable
 * InternalFault, since the same input would make it throw again (a poison event, a bug).
 */
export function internalFault(error: unknown): SluiceError {
  if (error instanceof SluiceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isRedisUnavailable(error)) return new SluiceError(ErrorCode.StoreUnavailable, `Redis is unavailable: ${message}`, { retryable: true, cause: error });
  return new SluiceError(ErrorCode.InternalFault, message, { retryable: false, cause: error });
}
