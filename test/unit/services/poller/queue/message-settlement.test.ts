import { describe, expect, it } from 'vitest';
import { settle } from '../../../../../services/poller/src/queue/message-settlement.js';
import { ids, queueMessage } from '../fakes/queue-messages.js';

// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
describe('settle', () => {
  const standard = ['m1', 'm2', 'm3'].map((id) => queueMessage(id));

  it('deletes every message of a batch that succeeded', () => {
    const { delete: done, keep } = settle(standard, { status: 'succeeded' }, false);

    expect(ids(done)).toEqual(['m1', 'm2', 'm3']);
    expect(keep).toEqual([]);
  });

  it.each(['function_error', 'invalid_response', 'function_missing', 'not_invoked', 'worker_lost'] as const)('keeps every message of a batch that failed (%s)', (reason) => {
    const { delete: done, keep } = settle(standard, { status: 'failed', reason }, false);

    expect(done).toEqual([]);
    expect(ids(keep)).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps only the listed messages of a standard queue batch and deletes the others', () => {
    const { delete: done, keep } = settle(standard, { status: 'partial', failedItemIdentifiers: ['m2'] }, false);

    expect(ids(done)).toEqual(['m1', 'm3']);
    expect(ids(keep)).toEqual(['m2']);
  });

  it('keeps, on a FIFO queue, every message after a failed one of the same group, listed or not, and deletes the other groups', () => {
    // Arrange: groups a and b interleaved; a2 fails, a3 comes after it in group a
    const batch = [
      queueMessage('a1', { groupId: 'a' }),
      queueMessage('b1', { groupId: 'b' }),
      queueMessage('a2', { groupId: 'a' }),
      queueMessage('b2', { groupId: 'b' }),
      queueMessage('a3', { groupId: 'a' }),
    ];

    // Act
    const { delete: done, keep } = settle(batch, { status: 'partial', failedItemIdentifiers: ['a2'] }, true);

    // Assert: a1 came before the failure and is done; a3 must not overtake a2
    expect(ids(done)).toEqual(['a1', 'b1', 'b2']);
    expect(ids(keep)).toEqual(['a2', 'a3']);
  });

  it('blocks each FIFO group from its own first failure on', () => {
    const batch = [queueMessage('a1', { groupId: 'a' }), queueMessage('b1', { groupId: 'b' }), queueMessage('a2', { groupId: 'a' }), queueMessage('b2', { groupId: 'b' })];

    const { delete: done, keep } = settle(batch, { status: 'partial', failedItemIdentifiers: ['b1', 'a2'] }, true);

    expect(ids(done)).toEqual(['a1']);
    expect(ids(keep)).toEqual(['b1', 'a2', 'b2']);
  });

  it('does not apply the group rule on a standard queue, even to messages with a group (fair queues)', () => {
    const batch = [queueMessage('a1', { groupId: 'a', queueArn: 'arn:aws:sqs:us-east-1:123456789012:fair' }), queueMessage('a2', { groupId: 'a', queueArn: 'arn:aws:sqs:us-east-1:123456789012:fair' })];

    const { delete: done, keep } = settle(batch, { status: 'partial', failedItemIdentifiers: ['a1'] }, false);

    expect(ids(done)).toEqual(['a2']);
    expect(ids(keep)).toEqual(['a1']);
  });
});
