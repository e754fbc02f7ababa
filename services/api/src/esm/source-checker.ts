import type { SourceArn } from '@sluice/shared';
import type { QueueFacts } from './rules/queue-rules.js';

/** What the source's own service says of it, for the rules that depend on it. */
export type SourceFacts = { readonly model: 'stream' } | ({ readonly model: 'queue' } & QueueFacts);

/** Asks a source's service about it; a seam so the API can be tested without the services. */
export interface SourceChecker {
  /** The source's facts, or undefined when its service says it does not exist; throws LambdaApiError otherwise. */
  describe(source: SourceArn): Promise<SourceFacts | undefined>;
}
