import { describe, expect, it } from 'vitest';
import { formatTally, tallyDeliveries, type AckedRecord, type Delivery } from '../../chaos/delivery-tally.js';

// The chaos suite fails on what this counts, so it must see loss, replays and disorder for what they are.

const acked = (ids: string[], producedAt = 0): AckedRecord[] => ids.map((eventId) => ({ eventId, producedAt }));
const ok = (at: number, eventIds: string[]): Delivery => ({ at, ok: true, eventIds });

describe('tallyDeliveries', () => {
  it('counts every acknowledged record delivered once as delivered, nothing lost, duplicated or out of order', () => {
    // Arrange
    const produced = acked(['s0:1', 's0:2', 's1:5', 's1:7']);
    const deliveries = [ok(10, ['s0:1', 's0:2']), ok(11, ['s1:5']), ok(12, ['s1:7'])];

    // Act
    const tally = tallyDeliveries(produced, deliveries, []);

    // Assert
    expect(tally).toMatchObject({ produced: 4, delivered: 4, lost: 0, duplicated: 0, orderViolations: 0 });
  });

  it('counts a record only ever handed to a failing invocation as lost, and a replay from the checkpoint as duplicated, not disorder', () => {
    // Arrange: s0:3 only reached a 500; s0:1-2 are replayed after a crash.
    const produced = acked(['s0:1', 's0:2', 's0:3']);
    const deliveries = [ok(10, ['s0:1', 's0:2']), { at: 11, ok: false, eventIds: ['s0:3'] }, ok(12, ['s0:1', 's0:2'])];

    // Act
    const tally = tallyDeliveries(produced, deliveries, []);

    // Assert
    expect(tally).toMatchObject({ produced: 3, delivered: 2, lost: 1, duplicated: 2, orderViolations: 0, lostSample: ['s0:3'] });
  });

  it('counts a first delivery behind a later record of its shard, and a batch out of sequence order, as order violations (other shards do not count)', () => {
    // Arrange
    const produced = acked(['s0:1', 's0:2', 's0:3', 's1:1', 's1:2', 's1:3']);
    const deliveries = [ok(10, ['s0:2']), ok(11, ['s1:1']), ok(12, ['s0:1']), ok(13, ['s1:3', 's1:2']), ok(14, ['s0:3'])];

    // Act
    const tally = tallyDeliveries(produced, deliveries, []);

    // Assert: s0:1 after s0:2; s1:2 after s1:3 (in the batch, and as a first delivery).
    expect(tally.lost).toBe(0);
    expect(tally.orderViolations).toBe(3);
    expect(tally.violationSample).toEqual(['s0:1 first delivered after s0:2', 's1:2 after s1:3 in one batch', 's1:2 first delivered after s1:3']);
  });

  it('measures recovery from the end of a fault: when every shard succeeded again, and when the records acknowledged before the end were all delivered', () => {
    // Arrange: the fault ends at 100; s1 resumes at 130, s0 at 150; the last backlog record lands at 180.
    const produced = [...acked(['s0:1', 's1:1'], 50), ...acked(['s0:2'], 90), ...acked(['s1:2'], 200)];
    const deliveries = [ok(130, ['s1:1']), ok(150, ['s0:1']), ok(180, ['s0:2']), ok(210, ['s1:2'])];

    // Act
    const tally = tallyDeliveries(produced, deliveries, [{ name: 'outage', startedAt: 40, endedAt: 100 }]);

    // Assert
    expect(tally.recovery).toEqual([{ name: 'outage', resumedMs: 50, caughtUpMs: 80 }]);
    expect(formatTally('x', tally)).toBe(
      'chaos x: produced 4, delivered 4, lost 0, duplicated 0, order violations 0\n  outage: resumed 0.1 s after it ended, caught up 0.1 s after it ended',
    );
  });

  it('counts only shards with records still to deliver when the fault ended as having to resume', () => {
    // s0 was drained before the fault ended; only s1 (its record lands at 140) had to resume.
    const tally = tallyDeliveries(acked(['s0:1', 's1:1'], 50), [ok(60, ['s0:1']), ok(140, ['s1:1'])], [{ name: 'kill', startedAt: 70, endedAt: 100 }]);

    expect(tally.recovery).toEqual([{ name: 'kill', resumedMs: 40, caughtUpMs: 40 }]);
  });

  it('says a fault never recovered when a shard never succeeded again or a backlog record never arrived', () => {
    const tally = tallyDeliveries(acked(['s0:1', 's1:1'], 50), [ok(120, ['s0:1'])], [{ name: 'kill', startedAt: 60, endedAt: 100 }]);

    expect(tally.recovery).toEqual([{ name: 'kill', resumedMs: Infinity, caughtUpMs: undefined }]);
    expect(formatTally('x', tally)).toContain('kill: resumed never after it ended, caught up never after it ended');
  });
});
