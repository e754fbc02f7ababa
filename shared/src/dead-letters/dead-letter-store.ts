import type { DeadLetter, DeadLetterReplay, DeadLetterSummary } from './dead-letter.js';

export interface DeadLetterQuery {
  readonly mappingId?: string;
  readonly functionName?: string;
  /** The last id of the previous page. */
  readonly marker?: string;
  readonly limit: number;
}

export interface DeadLetterPage {
  /** Newest first. */
  readonly deadLetters: readonly DeadLetterSummary[];
  readonly nextMarker?: string;
}

/** Where batches without an on-failure destination are parked, to be listed, replayed or purged. */
export interface DeadLetterStore {
  /** Parks an entry; parking an id that exists again changes nothing (a retried park). */
  park(entry: Omit<DeadLetter, 'replays' | 'lastReplay'>): Promise<void>;
  get(id: string): Promise<DeadLetter | undefined>;
  list(query: DeadLetterQuery): Promise<DeadLetterPage>;
  /** Counts a failed replay; false when the entry is gone. */
  recordReplayFailure(id: string, replay: DeadLetterReplay): Promise<boolean>;
  /** false when there was no such entry. */
  remove(id: string): Promise<boolean>;
  /** Removes every entry of a mapping or a function (at least one must be given); returns how many. */
  purge(filter: { readonly mappingId?: string; readonly functionName?: string }): Promise<number>;
}
