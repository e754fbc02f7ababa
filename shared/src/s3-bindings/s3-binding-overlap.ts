import type { S3Binding } from './s3-binding.js';
import { eventTypesOverlap } from './s3-event-types.js';
import { isEmptyFilter, keyFiltersOverlap } from './s3-key-filter.js';

/**
 * S3's two refusals for configurations of one bucket that could both match an event (InvalidArgument).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
export const OVERLAP_MESSAGE = 'Configurations overlap. Configurations on the same bucket cannot share a common event type.';
export const AMBIGUOUS_MESSAGE =
  'Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.';

export interface S3BindingOverlap {
  readonly existingId: string;
  readonly message: string;
}

type Candidate = Pick<S3Binding, 'events' | 'filter'>;

/** The first binding of the same bucket the candidate overlaps, with S3's message; undefined when none. */
export function findOverlap(candidate: Candidate, others: readonly S3Binding[]): S3BindingOverlap | undefined {
  for (const other of others) {
    const commonEvent = candidate.events.some((a) => other.events.some((b) => eventTypesOverlap(a, b)));
    if (!commonEvent || !keyFiltersOverlap(candidate.filter, other.filter)) continue;
    const filtered = !isEmptyFilter(candidate.filter) || !isEmptyFilter(other.filter);
    return { existingId: other.id, message: filtered ? AMBIGUOUS_MESSAGE : OVERLAP_MESSAGE };
  }
  return undefined;
}
