import { settledState, type Logger, type MappingStore } from '@sluice/shared';

export interface StateSettlerOptions {
  readonly store: MappingStore;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly now?: () => number;
}

/**
 * Moves mappings out of their transitional states once they are due (Creating -> Enabled,
 * Disabling -> Disabled, Deleting -> gone, ...). Every API process runs one; the store's
 * conditional writes make concurrent settlers harmless, and due times live in Redis, so a
 * restart resumes where the last process stopped.
 */
export class StateSettler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: StateSettlerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.running ??= this.settleDue()
        .then(() => undefined)
        .catch((err: unknown) => this.options.logger.warn({ err }, 'settling mapping states failed; will retry'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Settles every mapping that is due now; returns how many changed. */
  async settleDue(): Promise<number> {
    const { store, logger } = this.options;
    let changed = 0;
    for (const uuid of await store.dueForSettling(this.now(), 100)) {
      const current = await store.get(uuid);
      if (current === undefined) continue;
      const next = settledState(current.state, current.enabled);
      const result =
        next === 'gone'
          ? await store.remove(current)
          : (await store.replace(current, { ...current, state: next, lastModified: this.now(), version: current.version + 1 }, undefined)).outcome;
      if (result === 'written') {
        changed += 1;
        logger.info({ mappingId: uuid, from: current.state, to: next }, 'mapping state settled');
      }
    }
    return changed;
  }
}
