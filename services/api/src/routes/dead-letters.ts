import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEAD_LETTER_ID, parseFunctionRef, type DeadLetterStore } from '@sluice/shared';
import { invalidParameter, notFound } from '../errors/lambda-api-error.js';
import { parseRequest } from '../esm/validation-message.js';
import { toDeadLetter, toDeadLetterSummary } from '../dead-letters/dead-letter-wire.js';

export interface DeadLetterRoutesDeps {
  readonly store: DeadLetterStore;
  /** Queues one replay for the worker role, which owns the invokers. */
  readonly enqueueReplay: (id: string) => Promise<void>;
}

export const DEAD_LETTERS_PATH = '/sluice/v1/dead-letters';

/** A page holds at most this many entries (the functions list's page size). */
const MAX_PAGE = 50;

const MAPPING_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const filterFields = {
  MappingId: z.string().regex(MAPPING_ID).optional(),
  // A name, partial ARN or ARN, resolved to the name the entries carry.
  FunctionName: z.string().min(1).max(170).optional(),
};

export const listDeadLettersQuery = z.strictObject({
  ...filterFields,
  Marker: z.string().regex(DEAD_LETTER_ID).optional(),
  MaxItems: z.coerce.number().int().min(1).max(10000).optional(),
});

export const purgeDeadLettersQuery = z.strictObject(filterFields);

/**
 * Sluice's dead-letter store: batches discarded by mappings without DestinationConfig.OnFailure,
 * parked so nothing is dropped silently. List (newest first), inspect, replay and purge them.
 * Errors use Lambda's shape, like the rest of the API.
 */
export function deadLetterRoutes(app: FastifyInstance, deps: DeadLetterRoutesDeps): void {
  const { store } = deps;

  app.get(DEAD_LETTERS_PATH, async (request) => {
    const query = parseRequest(listDeadLettersQuery, request.query);
    const functionName = resolveName(query.FunctionName);
    const page = await store.list({
      ...(query.MappingId === undefined ? {} : { mappingId: query.MappingId.toLowerCase() }),
      ...(functionName === undefined ? {} : { functionName }),
      ...(query.Marker === undefined ? {} : { marker: query.Marker }),
      limit: Math.min(query.MaxItems ?? MAX_PAGE, MAX_PAGE),
    });
    return {
      ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }),
      DeadLetters: page.deadLetters.map(toDeadLetterSummary),
    };
  });

  app.get<{ Params: { id: string } }>(`${DEAD_LETTERS_PATH}/:id`, async (request) => toDeadLetter(await existing(request.params.id)));

  app.post<{ Params: { id: string } }>(`${DEAD_LETTERS_PATH}/:id/replay`, async (request, reply) => {
    const entry = await existing(request.params.id);
    await deps.enqueueReplay(entry.id);
    return reply.code(202).send(toDeadLetter(entry));
  });

  app.delete<{ Params: { id: string } }>(`${DEAD_LETTERS_PATH}/:id`, async (request, reply) => {
    if (!DEAD_LETTER_ID.test(request.params.id) || !(await store.remove(request.params.id))) throw missing(request.params.id);
    return reply.code(204).send();
  });

  app.delete(DEAD_LETTERS_PATH, async (request) => {
    const query = parseRequest(purgeDeadLettersQuery, request.query);
    const functionName = resolveName(query.FunctionName);
    if (query.MappingId === undefined && functionName === undefined) {
      // Purging everything by accident is not recoverable; ask for a filter.
      throw invalidParameter('Purging dead letters needs MappingId or FunctionName.');
    }
    const purged = await store.purge({
      ...(query.MappingId === undefined ? {} : { mappingId: query.MappingId.toLowerCase() }),
      ...(functionName === undefined ? {} : { functionName }),
    });
    return { PurgedCount: purged };
  });

  async function existing(id: string) {
    const entry = DEAD_LETTER_ID.test(id) ? await store.get(id) : undefined;
    if (entry === undefined) throw missing(id);
    return entry;
  }
}

const missing = (id: string) => notFound(`Dead letter not found: ${id}`);

function resolveName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ref = parseFunctionRef(value);
  if (ref === undefined) throw invalidParameter(`1 validation error detected: Value '${value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`);
  return ref.name;
}
