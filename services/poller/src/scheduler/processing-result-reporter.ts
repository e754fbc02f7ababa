import type { Logger, MappingStore } from '@sluice/shared';

/**
 * Writes a mapping's LastProcessingResult when it changes: batches report after each one, and
 * most report the same "OK" as the last.
 */
export class ProcessingResultReporter {
  private readonly last = new Map<string, string>();

  constructor(
    private readonly store: Pick<MappingStore, 'setLastProcessingResult'>,
    private readonly logger: Logger,
  ) {}

  report(mappingId: string, result: string): void {
    if (this.last.get(mappingId) === result) return;
    this.last.set(mappingId, result);
    this.store.setLastProcessingResult(mappingId, result).catch((error: unknown) => {
      this.last.delete(mappingId);
      this.logger.warn({ err: error, mappingId }, 'recording LastProcessingResult failed');
    });
  }
}
