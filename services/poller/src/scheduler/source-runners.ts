import type { EventSourceMapping, Logger, QueueMapping, StreamMapping } from '@sluice/shared';
import type { LeaseStore } from '../leases/lease-store.js';
import type { QueueSource } from '../queue/queue-source.js';
import { QueueRunner, type QueueRunnerDeps } from '../queue/queue-runner.js';
import type { StreamSource } from '../sources/stream-source.js';
import type { RunnerContext, SourceRunner, SourceRunners } from './source-runner.js';
import { StreamRunner, type StreamRunnerDeps } from './stream-runner.js';

export interface SourceRunnersDeps {
  readonly logger: Logger;
  readonly stream: Omit<StreamRunnerDeps, 'mapping' | 'source' | 'requestRound' | 'reportResult' | 'reportProblem' | 'logger' | 'leases'> & {
    readonly leases: LeaseStore;
    /** Tumbling-window state (RedisWindowStateStore): a deleted mapping's goes with its leases. */
    readonly windowStates: { deleteMapping(mappingId: string): Promise<unknown> };
    sourceFor(mapping: StreamMapping): StreamSource;
  };
  readonly queue: Omit<QueueRunnerDeps, 'mapping' | 'source' | 'logger'> & {
    sourceFor(mapping: QueueMapping): QueueSource;
  };
}

/**
 * The runner of each source model: a StreamRunner (shards under leases, checkpoints, lanes) for a
 * stream mapping, a QueueRunner (receive loops, delete on success) for a queue mapping.
 */
export function createSourceRunners(deps: SourceRunnersDeps): SourceRunners {
  const { stream, queue, logger } = deps;
  return {
    create(mapping: EventSourceMapping, context: RunnerContext): SourceRunner {
      switch (mapping.sourceModel) {
        case 'stream':
          return new StreamRunner(mapping.uuid, {
            ...stream,
            logger,
            source: stream.sourceFor(mapping),
            mapping: () => ofModel(context.mapping(), 'stream'),
            requestRound: context.requestRound,
            reportResult: context.reportResult,
            reportProblem: context.reportProblem,
          });
        case 'queue':
          return new QueueRunner(mapping.uuid, {
            ...queue,
            logger,
            source: queue.sourceFor(mapping),
            mapping: () => ofModel(context.mapping(), 'queue'),
          });
      }
    },
    async deleteMappingState(mappingId: string): Promise<void> {
      // Only stream mappings keep leases, checkpoints and window states; for a queue mapping these find nothing.
      await stream.leases.deleteMapping(mappingId);
      // Window states expire by themselves (a week at most): a failure here is logged, not retried.
      await stream.windowStates.deleteMapping(mappingId).catch((error: unknown) => {
        logger.warn({ err: error, mappingId }, 'deleting the window states failed; they expire by themselves');
      });
    },
  };
}

function ofModel<M extends EventSourceMapping['sourceModel']>(mapping: EventSourceMapping | undefined, model: M): Extract<EventSourceMapping, { sourceModel: M }> | undefined {
  return mapping?.sourceModel === model ? (mapping as Extract<EventSourceMapping, { sourceModel: M }>) : undefined;
}
