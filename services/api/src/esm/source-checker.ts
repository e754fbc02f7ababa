import type { SourceArn } from '@sluice/shared';

/** Answers whether a stream source exists; a seam so the API can be tested without a stream service. */
export interface SourceChecker {
  /** true when it exists, false when the stream service says it does not; throws LambdaApiError otherwise. */
  exists(source: SourceArn): Promise<boolean>;
}
