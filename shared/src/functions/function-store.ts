import type { FunctionDefinition } from './function-definition.js';

export interface FunctionPage {
  readonly functions: readonly FunctionDefinition[];
  readonly nextMarker?: string;
}

/** What still points at a function whose removal was refused: counts, and a few ids of each to name. */
export interface FunctionUsers {
  readonly mappingCount: number;
  /** Up to 5 event-source-mapping UUIDs, sorted. */
  readonly mappingUuids: readonly string[];
  readonly s3BindingCount: number;
  /** Up to 5 S3 binding ids, sorted. */
  readonly s3BindingIds: readonly string[];
}

export type RemoveFunctionResult =
  | { readonly outcome: 'removed' }
  | { readonly outcome: 'missing' }
  | { readonly outcome: 'in-use'; readonly users: FunctionUsers };

/** The function registry: what mappings and invocations resolve names against. */
export interface FunctionStore {
  /** Registers a function; false when one of that name exists. */
  create(fn: FunctionDefinition): Promise<boolean>;
  /** Replaces a registered function's definition; false when there is none of that name. */
  update(fn: FunctionDefinition): Promise<boolean>;
  get(name: string): Promise<FunctionDefinition | undefined>;
  list(marker: string | undefined, limit: number): Promise<FunctionPage>;
  /** Removes a function unless a mapping or an S3 binding still uses it (checked in the same atomic write). */
  remove(name: string): Promise<RemoveFunctionResult>;
}
