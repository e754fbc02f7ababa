/**
 * Every Redis key Sluice writes is built here, under the installation's prefix, so several
 * installations (or test runs) share one Redis without seeing each other.
 *
 * Redis Cluster puts a key in the slot of its hash tag, the part between the first `{` and the next
 * `}` (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/#hash-tags), and a
 * Lua script or MULTI may only touch keys of one slot. Each family below therefore shares one tag
 * among the keys one script touches together, and no more, so that the state spreads over the
 * cluster's slots (docs/redis-cluster.md lists every family, its tag and why):
 *
 * - `{p}`                  the registry: mappings, functions, S3 bindings, tags, event-invoke-configs,
 *                          the poller heartbeats. Create/Delete scripts cross-check them (a mapping
 *                          needs its function; a function in use cannot go), so they share a slot.
 *                          Its key names are those of the single-slot layout before issue 14.
 * - `{p:leases:<mapping>}` one mapping's leases, checkpoints and lease index: the lease scripts touch
 *                          a lease and its scope's zsets; deleteMappingLeases every scope of the mapping.
 * - `{p:windows:<mapping>}` one mapping's tumbling-window states (single-key scripts).
 * - `{p:dead-letters}`     the dead-letter store: one script writes an entry and its three indexes.
 * - `{p:<queue>}`          one BullMQ queue: BullMQ's own scripts touch every key of a queue
 *                          (https://docs.bullmq.io/patterns/redis-cluster, one prefix per queue).
 * - `{p:fn-concurrency:<fn>}`, `{p:s3-push-seen:<id>}`, `{p:s3-notification-lock:<bucket>}` single keys.
 */
export interface RedisKeys {
  /** The installation's prefix as configured (SLUICE_REDIS_PREFIX), without braces. */
  readonly installation: string;
  /** A registry key, in the registry's slot `{p}`. */
  key(...parts: string[]): string;
  /** A key of one mapping's leases and checkpoints. */
  leaseKey(mappingId: string, ...parts: string[]): string;
  /** A key of one mapping's tumbling-window states. */
  windowKey(mappingId: string, ...parts: string[]): string;
  /** A key of the dead-letter store. */
  deadLetterKey(...parts: string[]): string;
  /** A single key whose slot is its own: `{p:<family>:<id>}`. */
  ownSlotKey(family: string, id: string): string;
  /** The prefix to give BullMQ for one queue: every key of the queue in one slot of its own. */
  queuePrefix(queueName: string): string;
}

/** The hash tag of a key (what picks its Redis Cluster slot): the whole key when it has none. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

export function createRedisKeys(prefix: string): RedisKeys {
  // Every variable part of a tag is URI-encoded: a function name or an id never closes the brace.
  const tag = (...parts: string[]) => `{${[prefix, ...parts.map(encodeURIComponent)].join(':')}}`;
  const under = (root: string, parts: readonly string[]) => [root, ...parts].join(':');
  const registry = tag();
  return {
    installation: prefix,
    key: (...parts) => under(registry, parts),
    leaseKey: (mappingId, ...parts) => under(tag('leases', mappingId), parts),
    windowKey: (mappingId, ...parts) => under(tag('windows', mappingId), parts),
    deadLetterKey: (...parts) => under(tag('dead-letters'), parts),
    ownSlotKey: (family, id) => tag(family, id),
    queuePrefix: (queueName) => tag(queueName),
  };
}
