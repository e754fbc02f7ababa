/**
 * What a chaos scenario measured, computed from what the producer had acknowledged and what the
 * function was handed. Records are identified as Lambda's Kinesis event names them: `eventID` =
 * `<shardId>:<sequenceNumber>` (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html),
 * which PutRecords' answer gives for each record it stored
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html).
 */

/**
 * A record PutRecords acknowledged: its eventID and when it was due on the producer's schedule
 * (epoch ms), the moment the world made it; a put held up by an outage is acknowledged later.
 */
export interface AckedRecord {
  readonly eventId: string;
  readonly producedAt: number;
}

/** One invocation as the function saw it, in arrival order: when, whether it succeeded, its records' eventIDs in batch order. */
export interface Delivery {
  readonly at: number;
  readonly ok: boolean;
  readonly eventIds: readonly string[];
}

/** A fault's window, epoch ms; `endedAt` is when it was cleared (restart, SIGCONT, the function fixed). */
export interface FaultWindow {
  readonly name: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface FaultRecovery {
  readonly name: string;
  /** From the fault's end until every shard with records still to deliver had a successful invocation again (the slowest shard). */
  readonly resumedMs: number;
  /** From the fault's end until every record produced before the end had been delivered; undefined if some never were. */
  readonly caughtUpMs: number | undefined;
}

export interface Tally {
  readonly produced: number;
  /** Acknowledged records handed to the function in a successful invocation, each counted once. */
  readonly delivered: number;
  readonly lost: number;
  /** Successful deliveries of an acknowledged record beyond its first (at-least-once replays). */
  readonly duplicated: number;
  /** Per shard: a record handed over after a later one of its shard, on its first delivery or inside one batch. */
  readonly orderViolations: number;
  /** A few lost eventIDs and order violations, for the failure message. */
  readonly lostSample: readonly string[];
  readonly violationSample: readonly string[];
  readonly recovery: readonly FaultRecovery[];
}

function split(eventId: string): { shard: string; seq: bigint } {
  const at = eventId.lastIndexOf(':');
  return { shard: eventId.slice(0, at), seq: BigInt(eventId.slice(at + 1)) };
}

/** Order per shard by sequence number: inside each batch, and across first deliveries (replays may go back). */
function orderViolations(deliveries: readonly Delivery[]): string[] {
  const highestFirst = new Map<string, bigint>();
  const seen = new Set<string>();
  const violations: string[] = [];
  for (const delivery of deliveries) {
    if (!delivery.ok) continue;
    const previousInBatch = new Map<string, bigint>();
    for (const eventId of delivery.eventIds) {
      const { shard, seq } = split(eventId);
      const before = previousInBatch.get(shard);
      if (before !== undefined && seq <= before) violations.push(`${eventId} after ${shard}:${before} in one batch`);
      previousInBatch.set(shard, seq);
      if (seen.has(eventId)) continue;
      seen.add(eventId);
      const highest = highestFirst.get(shard);
      if (highest !== undefined && seq < highest) violations.push(`${eventId} first delivered after ${shard}:${highest}`);
      else highestFirst.set(shard, seq);
    }
  }
  return violations;
}

function recoveryOf(fault: FaultWindow, acked: readonly AckedRecord[], deliveries: readonly Delivery[], firstAt: Map<string, number>): FaultRecovery {
  // Shards that still had something to deliver when the fault ended; a shard already drained has nothing to resume.
  const waiting = new Set(acked.filter((r) => (firstAt.get(r.eventId) ?? Infinity) >= fault.endedAt).map((r) => split(r.eventId).shard));
  const resumedAt = new Map<string, number>();
  for (const delivery of deliveries) {
    if (!delivery.ok || delivery.at < fault.endedAt) continue;
    for (const eventId of delivery.eventIds) {
      const { shard } = split(eventId);
      if (!resumedAt.has(shard)) resumedAt.set(shard, delivery.at);
    }
  }
  const resumed = [...waiting].map((shard) => resumedAt.get(shard) ?? Infinity);
  let caughtUp: number | undefined = fault.endedAt;
  for (const record of acked) {
    if (record.producedAt > fault.endedAt) continue;
    const at = firstAt.get(record.eventId);
    if (at === undefined) caughtUp = undefined;
    else if (caughtUp !== undefined) caughtUp = Math.max(caughtUp, at);
  }
  const resumedMs = Math.max(fault.endedAt, ...resumed) - fault.endedAt;
  return { name: fault.name, resumedMs, caughtUpMs: caughtUp === undefined ? undefined : caughtUp - fault.endedAt };
}

/** Produced, delivered, lost, duplicated, order violations and recovery per fault. */
export function tallyDeliveries(acked: readonly AckedRecord[], deliveries: readonly Delivery[], faults: readonly FaultWindow[]): Tally {
  const produced = new Set(acked.map((r) => r.eventId));
  const firstAt = new Map<string, number>();
  let deliveriesOfProduced = 0;
  for (const delivery of deliveries) {
    if (!delivery.ok) continue;
    for (const eventId of delivery.eventIds) {
      if (!produced.has(eventId)) continue;
      deliveriesOfProduced += 1;
      if (!firstAt.has(eventId)) firstAt.set(eventId, delivery.at);
    }
  }
  const lost = [...produced].filter((eventId) => !firstAt.has(eventId));
  const violations = orderViolations(deliveries);
  return {
    produced: produced.size,
    delivered: firstAt.size,
    lost: lost.length,
    duplicated: deliveriesOfProduced - firstAt.size,
    orderViolations: violations.length,
    lostSample: lost.slice(0, 5),
    violationSample: violations.slice(0, 5),
    recovery: faults.map((fault) => recoveryOf(fault, acked, deliveries, firstAt)),
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'never');

/** One line per scenario plus one per fault, as the suite prints them (and the README quotes them). */
export function formatTally(scenario: string, tally: Tally): string {
  const head =
    `chaos ${scenario}: produced ${tally.produced}, delivered ${tally.delivered}, lost ${tally.lost}, ` +
    `duplicated ${tally.duplicated}, order violations ${tally.orderViolations}`;
  const faults = tally.recovery.map((r) => `  ${r.name}: resumed ${seconds(r.resumedMs)} after it ended, caught up ${seconds(r.caughtUpMs)} after it ended`);
  return [head, ...faults].join('\n');
}
