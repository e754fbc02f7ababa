import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type EventSourceMapping, type MappingStore } from '@sluice/shared';
import { Scheduler } from '../../../../../services/poller/src/scheduler/scheduler.js';
import { createSourceRunners } from '../../../../../services/poller/src/scheduler/source-runners.js';
import { FakeLeaseStore } from '../fakes/fake-leases.js';
import { buildEventSourceMapping } from '../../../../helpers/stream-batch-fixture.js';
import { waitFor } from '../../../../helpers/wait-for.js';

/** The store's read side in memory (faked dependency): get, list and the change feed. */
class InMemoryMappings {
  readonly records = new Map<string, EventSourceMapping>();
  private readonly listeners: ((uuid: string) => void)[] = [];

  remove(uuid: string): void {
    this.records.delete(uuid);
    for (const listener of this.listeners) listener(uuid);
  }

  asStore(): MappingStore {
    return {
      get: async (uuid: string) => this.records.get(uuid),
      list: async () => ({ mappings: [...this.records.values()] }),
      subscribe: async (onChange: (uuid: string) => void) => {
        this.listeners.push(onChange);
        return async () => undefined;
      },
    } as unknown as MappingStore;
  }
}

/** Removing a mapping's leases fails `failures` times (a Redis fault, injected), then works. */
class FlakyDeleteLeases extends FakeLeaseStore {
  readonly deleted: string[] = [];
  attempts = 0;

  constructor(
    private failures: number,
    private readonly onFailure: () => void,
  ) {
    super();
  }

  override async deleteMapping(mappingId: string): Promise<void> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      this.onFailure();
      throw new Error('Connection is closed.');
    }
    this.deleted.push(mappingId);
  }
}

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  scheduler = undefined;
});

describe('Scheduler, deleted mappings', () => {
  it("retries removing a deleted mapping's leases and checkpoints after a Redis fault (injected), though its record is gone by then", async () => {
    // Arrange: the mapping is being deleted; the first removal fails just as the API's settler
    // drops the record, so no later round sees the mapping any more
    const mappings = new InMemoryMappings();
    const mapping = buildEventSourceMapping({ uuid: 'deleted-1', state: 'Deleting', enabled: true });
    mappings.records.set(mapping.uuid, mapping);
    const leases = new FlakyDeleteLeases(1, () => mappings.remove(mapping.uuid));
    const logger = createLogger({ level: 'silent' });
    scheduler = new Scheduler({
      mappings: mappings.asStore(),
      runners: createSourceRunners({
        logger,
        stream: {
          leases,
          windowStates: { deleteMapping: async () => undefined },
          coordination: { take: async () => ({ taken: [], all: [] }), hold: () => undefined, drop: () => undefined, forget: () => undefined, recordRead: () => undefined },
          sourceFor: () => {
            throw new Error('no source is opened for a mapping being deleted');
          },
          shardSyncIntervalMs: 60_000,
          pollerDeps: {} as never,
        },
        queue: {} as never,
      }),
      logger,
      takeIntervalMs: 10,
      shardSyncIntervalMs: 60_000,
      reportResult: () => undefined,
      reportProblem: () => undefined,
    });

    // Act
    await scheduler.start();

    // Assert
    await waitFor(() => leases.deleted.length > 0, { timeoutMs: 2000 });
    expect(leases.deleted).toEqual([mapping.uuid]);
    expect(leases.attempts).toBe(2);
  });
});
