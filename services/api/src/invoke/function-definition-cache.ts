import type { FunctionDefinition, FunctionStore } from '@sluice/shared';

/** Entries kept before the cache starts over: bounds memory when many names are invoked. */
const MAX_ENTRIES = 10_000;

/**
 * Registered functions remembered for a short while, so a burst of Event invocations costs one
 * registry read per function per `ttlMs` instead of one per request. Only functions that exist are
 * remembered: a function registered a moment ago is found at once, while a deleted or updated one
 * may still be seen for up to `ttlMs` (Lambda's own control plane is eventually consistent too).
 */
export class FunctionDefinitionCache {
  private readonly entries = new Map<string, { readonly definition: FunctionDefinition; readonly until: number }>();

  constructor(
    private readonly store: Pick<FunctionStore, 'get'>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(name: string): Promise<FunctionDefinition | undefined> {
    const now = this.now();
    const hit = this.entries.get(name);
    if (hit !== undefined && hit.until > now) return hit.definition;
    const definition = await this.store.get(name);
    if (definition === undefined) {
      this.entries.delete(name);
      return undefined;
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(name, { definition, until: now + this.ttlMs });
    return definition;
  }
}
