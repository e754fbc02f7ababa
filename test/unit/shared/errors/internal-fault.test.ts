import { describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError, internalFault, isRedisUnavailable } from '@sluice/shared';

const withFields = (error: Error, fields: Record<string, unknown>) => Object.assign(error, fields);
/** ioredis's MaxRetriesPerRequestError, by its name (ioredis does not export the class). */
const maxRetries = () => withFields(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' });

describe('internalFault', () => {
  it.each([
    ['a refused connection', withFields(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })],
    ['a reset connection', withFields(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['ioredis giving up on a command', maxRetries()],
    ['ioredis with its connection closed', new Error('Connection is closed.')],
    ['Redis loading its data', withFields(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' })],
    ['a replica during failover', withFields(new Error("READONLY You can't write against a read only replica."), { name: 'ReplyError' })],
  ])('%s is a retryable StoreUnavailable', (_label, error) => {
    expect(isRedisUnavailable(error)).toBe(true);
    expect(internalFault(error)).toMatchObject({ code: ErrorCode.StoreUnavailable, retryable: true, cause: error });
  });

  it.each([
    ['a stack overflow', new RangeError('Maximum call stack size exceeded')],
    ['a corrupt record', new SyntaxError('Unexpected token } in JSON at position 7')],
    ['a wrong type of key', withFields(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), { name: 'ReplyError' })],
    ['something that is not an Error', 'boom'],
  ])('%s is a non-retryable InternalFault', (_label, error) => {
    expect(isRedisUnavailable(error)).toBe(false);
    expect(internalFault(error)).toMatchObject({ code: ErrorCode.InternalFault, retryable: false });
  });

  it('keeps a SluiceError as it was classified', () => {
    const error = new SluiceError(ErrorCode.DestinationFailed, 'down', { retryable: true });

    expect(internalFault(error)).toBe(error);
  });
});
