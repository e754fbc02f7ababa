import {
  ExpiredIteratorException,
  InvalidArgumentException,
  LimitExceededException,
  ProvisionedThroughputExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import { TrimmedDataAccessException, InternalServerError } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { callAws, classifyAwsError } from '../../../../../services/poller/src/sources/aws-error-classifier.js';

const meta = { $metadata: {} };

function withFields(error: Error, fields: Record<string, unknown>): Error {
  return Object.assign(error, fields);
}

describe('classifyAwsError', () => {
  it.each([
    ['ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException({ message: 'x', ...meta }), ErrorCode.SourceThrottled, true],
    ['LimitExceededException', new LimitExceededException({ message: 'x', ...meta }), ErrorCode.SourceThrottled, true],
    ['ThrottlingException', withFields(new Error('x'), { name: 'ThrottlingException', $fault: 'client' }), ErrorCode.SourceThrottled, true],
    ['ExpiredIteratorException', new ExpiredIteratorException({ message: 'x', ...meta }), ErrorCode.IteratorExpired, true],
    ['TrimmedDataAccessException', new TrimmedDataAccessException({ message: 'x', ...meta }), ErrorCode.SourceTrimmed, false],
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'x', ...meta }), ErrorCode.SourceNotFound, false],
    ['ResourceInUseException (SubscribeToShard within 5 s)', new ResourceInUseException({ message: 'x', ...meta }), ErrorCode.SourceTransient, true],
    ['InternalServerError ($fault server)', new InternalServerError({ message: 'x', ...meta }), ErrorCode.SourceTransient, true],
    ['ECONNREFUSED', withFields(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), ErrorCode.SourceTransient, true],
    ['ECONNRESET as a cause', new Error('socket hang up', { cause: withFields(new Error('reset'), { code: 'ECONNRESET' }) }), ErrorCode.SourceTransient, true],
    ['TimeoutError (NodeHttpHandler)', withFields(new Error('timed out'), { name: 'TimeoutError' }), ErrorCode.SourceTransient, true],
    ['HTTP 503 without a modelled name', withFields(new Error('x'), { name: 'Unknown', $metadata: { httpStatusCode: 503 } }), ErrorCode.SourceTransient, true],
    ["kinesis-local's HTTP 500 for a garbage iterator", withFields(new Error('UnknownError'), { name: 'Unknown', $fault: 'server', $metadata: { httpStatusCode: 500 } }), ErrorCode.SourceTransient, true],
    ["moto's HTML 500 the SDK cannot parse", withFields(new SyntaxError('Unexpected token'), { $metadata: { httpStatusCode: 500 } }), ErrorCode.SourceTransient, true],
    ['InvalidArgumentException', new InvalidArgumentException({ message: 'x', ...meta }), ErrorCode.SourceInvalid, false],
    ['AccessDeniedException', withFields(new Error('x'), { name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } }), ErrorCode.SourceAccessDenied, false],
    ['KMSAccessDeniedException', withFields(new Error('x'), { name: 'KMSAccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 } }), ErrorCode.SourceAccessDenied, false],
    ['a plain Error', new Error('boom'), ErrorCode.SourceInvalid, false],
    ['a string', 'boom', ErrorCode.SourceInvalid, false],
  ])('%s', (_label, error, code, retryable) => {
    // Act
    const classified = classifyAwsError(error, 'Kinesis GetRecords');

    // Assert
    expect(classified).toBeInstanceOf(SluiceError);
    expect(classified).toMatchObject({ code, retryable, cause: error });
    expect(classified.message).toMatch(/^Kinesis GetRecords: /);
  });

  it('does not read messages: a throttling message on an unmodelled client error is still SOURCE_INVALID', () => {
    const error = withFields(new Error('Rate exceeded, ProvisionedThroughputExceededException'), { name: 'ValidationException', $fault: 'client' });
    expect(classifyAwsError(error, 'op').code).toBe(ErrorCode.SourceInvalid);
  });

  it('passes a SluiceError through unchanged', () => {
    const error = new SluiceError(ErrorCode.SourceNotFound, 'gone');
    expect(classifyAwsError(error, 'op')).toBe(error);
  });
});

describe('callAws', () => {
  it('returns what the call returns', async () => {
    await expect(callAws('op', async () => 42)).resolves.toBe(42);
  });

  it('throws the classified error', async () => {
    const call = async () => {
      throw new ProvisionedThroughputExceededException({ message: 'x', ...meta });
    };
    await expect(callAws('Kinesis GetRecords', call)).rejects.toMatchObject({ code: ErrorCode.SourceThrottled });
  });

  it("throws the signal's reason, unclassified, when the caller aborted", async () => {
    // Arrange
    const controller = new AbortController();
    const reason = new Error('stopping');
    controller.abort(reason);
    const call = async () => {
      throw withFields(new Error('aborted'), { name: 'AbortError' });
    };

    // Act / Assert
    await expect(callAws('op', call, controller.signal)).rejects.toBe(reason);
  });
});
