import type { FunctionDefinition } from './function-definition.js';

export interface FunctionPage {
  readonly functions: readonly FunctionDefinition[];
  readonly nextMarker?: string;
}

/** The function registry: what mappings and invocations resolve names against. */
export interface FunctionStore {
  /** Registers a function; false when one of that name exists. */
  create(fn: FunctionDefinition): Promise<boolean>;
  /** Replaces a registered function's definition; false when there is none of that name. */
  update(fn: FunctionDefinition): Promise<boolean>;
  get(name: string): Promise<FunctionDefinition | undefined>;
  list(marker: string | undefined, limit: number): Promise<FunctionPage>;
  /** Removes a function unless a mapping still uses it. */
  remove(name: string): Promise<'removed' | 'missing' | 'in-use'>;
}
