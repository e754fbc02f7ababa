import type { EventSourceMapping } from './event-source-mapping.js';

export type CreateMappingResult =
  | { readonly outcome: 'created' }
  | { readonly outcome: 'duplicate'; readonly existingUuid: string }
  | { readonly outcome: 'function-missing' };

export type ReplaceMappingResult =
  | { readonly outcome: ConditionalWriteResult }
  | { readonly outcome: 'duplicate'; readonly existingUuid: string }
  | { readonly outcome: 'function-missing' };

/** Result of a conditional write: `stale` means someone else wrote the mapping since it was read. */
export type ConditionalWriteResult = 'written' | 'missing' | 'stale';

export interface ListMappingsQuery {
  readonly eventSourceArn?: string;
  readonly functionName?: string;
  /** Opaque marker from a previous page. */
  readonly marker?: string;
  readonly limit: number;
}

export interface MappingPage {
  readonly mappings: readonly EventSourceMapping[];
  readonly nextMarker?: string;
}

/**
 * Persistence and change feed for event-source mappings. Writes are conditional on the
 * version read (optimistic locking), so concurrent API processes cannot lose each other's updates.
 */
export interface MappingStore {
  /**
   * Stores a new mapping (version 1) with the Create request's Tags (kept beside the record, where
   * TagResource changes them: shared/src/tags) and schedules its state to settle at `settleAt` (epoch ms).
   */
  create(mapping: EventSourceMapping, settleAt: number, tags?: Readonly<Record<string, string>>): Promise<CreateMappingResult>;
  get(uuid: string): Promise<EventSourceMapping | undefined>;
  list(query: ListMappingsQuery): Promise<MappingPage>;
  /**
   * Writes `next` over `current` if `current` is still what is stored (its version), moving the
   * function binding when the function changed; schedules settling at `settleAt`, or unschedules it.
   */
  replace(current: EventSourceMapping, next: EventSourceMapping, settleAt: number | undefined): Promise<ReplaceMappingResult>;
  remove(current: EventSourceMapping): Promise<ConditionalWriteResult>;
  /** Records what the last batch came to ("OK", "PROBLEM: ..."), beside the record, without a version bump. */
  setLastProcessingResult(uuid: string, result: string): Promise<void>;
  /** Calls `onChange` with the UUID of every mapping written from now on; resolves with an unsubscribe. */
  subscribe(onChange: (uuid: string) => void): Promise<() => Promise<void>>;
  /** UUIDs whose transitional state is due to settle at `now`. */
  dueForSettling(now: number, limit: number): Promise<string[]>;
}
