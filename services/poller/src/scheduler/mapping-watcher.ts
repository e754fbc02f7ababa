import type { EventSourceMapping, Logger, MappingStore } from '@sluice/shared';

export interface MappingWatcherOptions {
  readonly store: MappingStore;
  readonly logger: Logger;
  /** Full reloads catch anything a missed change message would leave stale. */
  readonly reloadIntervalMs: number;
  /** Called with the mapping's new record, or undefined when it is gone. */
  readonly onChange: (uuid: string, mapping: EventSourceMapping | undefined) => void;
}

/**
 * Keeps this process's view of every mapping current: the store's change feed for prompt updates
 * (an update or disable applies live), plus periodic full reloads.
 */
export class MappingWatcher {
  private readonly mappings = new Map<string, EventSourceMapping>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MappingWatcherOptions) {}

  async start(): Promise<void> {
    if (this.unsubscribe !== undefined) return;
    this.unsubscribe = await this.options.store.subscribe((uuid) => void this.refresh(uuid));
    await this.reload();
    this.timer = setInterval(() => void this.reload(), this.options.reloadIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get(uuid: string): EventSourceMapping | undefined {
    return this.mappings.get(uuid);
  }

  all(): EventSourceMapping[] {
    return [...this.mappings.values()];
  }

  private async refresh(uuid: string): Promise<void> {
    try {
      this.apply(uuid, await this.options.store.get(uuid));
    } catch (error) {
      this.options.logger.warn({ err: error, mappingId: uuid }, 'reading a changed mapping failed; the next reload catches up');
    }
  }

  /** Reads every mapping again now (also done on a timer); a mapping no longer stored is dropped. */
  async reload(): Promise<void> {
    try {
      const seen = new Set<string>();
      let marker: string | undefined;
      do {
        const page = await this.options.store.list({ limit: 100, ...(marker === undefined ? {} : { marker }) });
        for (const mapping of page.mappings) {
          seen.add(mapping.uuid);
          this.apply(mapping.uuid, mapping);
        }
        marker = page.nextMarker;
      } while (marker !== undefined);
      for (const uuid of [...this.mappings.keys()]) if (!seen.has(uuid)) this.apply(uuid, undefined);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'reloading mappings failed; will retry');
    }
  }

  private apply(uuid: string, mapping: EventSourceMapping | undefined): void {
    const before = this.mappings.get(uuid);
    if (mapping === undefined) {
      if (before === undefined) return;
      this.mappings.delete(uuid);
    } else {
      if (before !== undefined && before.version === mapping.version) return;
      this.mappings.set(uuid, mapping);
    }
    this.options.onChange(uuid, mapping);
  }
}
