import { describe, expect, it } from 'vitest';
import { createRedisKeys, hashTagOf, leaseKeys } from '@sluice/shared';

const keys = createRedisKeys('sluice');
/** Keys with one hash tag share a Redis Cluster slot (the cluster integration tests run the scripts on one). */
const slot = hashTagOf;

describe('createRedisKeys', () => {
  it('keeps the registry in the single-slot layout it had before issue 14', () => {
    expect(keys.key('esm', 'u-1')).toBe('{sluice}:esm:u-1');
    expect(keys.key('fn', 'orders')).toBe('{sluice}:fn:orders');
  });

  it('gives each mapping its own slot for leases and windows, and each BullMQ queue its own prefix', () => {
    const a = leaseKeys(keys);
    const scope = { mappingId: 'map-a', streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s@1' };
    const touchedTogether = [a.lease(scope, 'shardId-0'), a.scopeShards(scope), a.scopeExpiries(scope), a.mappingIndex('map-a')];
    expect(new Set(touchedTogether.map(slot)).size).toBe(1);
    expect(slot(a.mappingIndex('map-b'))).not.toBe(slot(a.mappingIndex('map-a')));
    expect(hashTagOf(keys.windowKey('map-a', 'window-state', 'x'))).toBe('sluice:windows:map-a');
    expect(keys.queuePrefix('stream-batches')).toBe('{sluice:stream-batches}');
    expect(new Set([keys.key('x'), keys.deadLetterKey('x'), keys.queuePrefix('stream-batches'), keys.queuePrefix('async-invocations')].map(slot)).size).toBe(4);
  });

  it('encodes the variable part of a tag so that no name closes the brace', () => {
    expect(keys.ownSlotKey('fn-concurrency', 'a}b{c')).toBe('{sluice:fn-concurrency:a%7Db%7Bc}');
  });

  it('reads the scope back from a lease key and nothing from any other key', () => {
    const k = leaseKeys(keys);
    const scope = { mappingId: 'map:1', streamIdentity: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' };
    expect(k.parseLease(k.lease(scope, 'shardId-000000000001'))).toEqual(scope);
    expect(k.parseLease(k.scopeShards(scope))).toBeUndefined();
    expect(k.parseLease(leaseKeys(createRedisKeys('other')).lease(scope, 's'))).toBeUndefined();
    expect(k.parseLease('{sluice}:lease:map-1:arn:shard')).toBeUndefined();
  });
});
