import { randomUUID } from 'node:crypto';
import {
  MappingState,
  isStableState,
  parseSourceArn,
  updateState,
  type EventSourceMapping,
  type MappingStore,
} from '@sluice/shared';
import { conflict, inUse, invalidParameter, notFound } from '../errors/lambda-api-error.js';
import type { FunctionResolver } from '../functions/function-resolver.js';
import type { CreateMappingRequest, UpdateMappingRequest } from './mapping-request-schemas.js';
import { STREAM_DEFAULTS, resolveSettings, resolveStartingPoint, type MappingLimits } from './mapping-rules.js';
import type { SourceChecker } from './source-checker.js';

export interface MappingServiceDeps {
  readonly store: MappingStore;
  readonly functions: FunctionResolver;
  readonly sources: SourceChecker;
  readonly limits: MappingLimits;
  /** How long transitional states last before they settle (Creating -> Enabled, ...). */
  readonly settleMs: number;
  readonly now?: () => number;
  readonly newUuid?: () => string;
}

/** Lambda's wording for a stream mapping changed by a user (aws-facts 1.4). */
const USER_ACTION = 'User action';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The event-source-mapping operations, with Lambda's rules, over a MappingStore. */
export class MappingService {
  private readonly now: () => number;
  private readonly newUuid: () => string;

  constructor(private readonly deps: MappingServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newUuid = deps.newUuid ?? randomUUID;
  }

  async create(req: CreateMappingRequest): Promise<EventSourceMapping> {
    const source = parseSourceArn(req.EventSourceArn);
    if (source === undefined) {
      throw invalidParameter(
        `Unsupported event source: ${req.EventSourceArn}. Sluice maps Kinesis streams, Kinesis stream consumers and DynamoDB streams.`,
      );
    }
    const now = this.now();
    const start = resolveStartingPoint(req, source.kind, now);
    const settings = resolveSettings(STREAM_DEFAULTS, req, this.deps.limits);
    const fn = await this.deps.functions.resolve(req.FunctionName);
    if (!(await this.deps.sources.exists(source))) throw invalidParameter(`Stream not found: ${source.arn}`);
    const mapping: EventSourceMapping = {
      uuid: this.newUuid(),
      eventSourceArn: source.arn,
      sourceKind: source.kind,
      functionArn: fn.arn,
      functionName: fn.definition.name,
      state: MappingState.Creating,
      stateTransitionReason: USER_ACTION,
      lastProcessingResult: 'No records processed',
      lastModified: now,
      ...start,
      ...settings,
      ...(req.Tags === undefined ? {} : { tags: req.Tags }),
      version: 1,
    };
    const result = await this.deps.store.create(mapping, now + this.deps.settleMs);
    if (result.outcome === 'duplicate') throw duplicate(mapping, result.existingUuid);
    if (result.outcome === 'function-missing') throw notFound(`Function not found: ${fn.arn}`);
    return mapping;
  }

  async get(uuid: string): Promise<EventSourceMapping> {
    checkUuid(uuid);
    const mapping = await this.deps.store.get(uuid);
    if (mapping === undefined) throw missing(uuid);
    return mapping;
  }

  async update(uuid: string, req: UpdateMappingRequest): Promise<EventSourceMapping> {
    const current = await this.get(uuid);
    if (!isStableState(current.state)) throw busy(current);
    const settings = resolveSettings(current, req, this.deps.limits);
    const fn = req.FunctionName === undefined ? undefined : await this.deps.functions.resolve(req.FunctionName);
    const now = this.now();
    const next: EventSourceMapping = {
      ...current,
      ...settings,
      ...(fn === undefined ? {} : { functionArn: fn.arn, functionName: fn.definition.name }),
      state: updateState(current.enabled, settings.enabled),
      stateTransitionReason: USER_ACTION,
      lastModified: now,
      version: current.version + 1,
    };
    const result = await this.deps.store.replace(current, withoutCleared(next, settings), now + this.deps.settleMs);
    if (result.outcome === 'duplicate') throw duplicate(next, result.existingUuid);
    if (result.outcome === 'function-missing') throw notFound(`Function not found: ${next.functionArn}`);
    if (result.outcome === 'missing') throw missing(uuid);
    if (result.outcome === 'stale') throw conflict('The event source mapping was changed by another request; retry.');
    return withoutCleared(next, settings);
  }

  async delete(uuid: string): Promise<EventSourceMapping> {
    const current = await this.get(uuid);
    if (!isStableState(current.state)) throw busy(current);
    const now = this.now();
    const next: EventSourceMapping = {
      ...current,
      state: MappingState.Deleting,
      stateTransitionReason: USER_ACTION,
      lastModified: now,
      version: current.version + 1,
    };
    const result = await this.deps.store.replace(current, next, now + this.deps.settleMs);
    if (result.outcome === 'missing') throw missing(uuid);
    if (result.outcome !== 'written') throw conflict('The event source mapping was changed by another request; retry.');
    return next;
  }
}

/** Settings an update cleared (filters, destination, ...) must not survive the spread of `current`. */
function withoutCleared(next: EventSourceMapping, settings: object): EventSourceMapping {
  const copy: Record<string, unknown> = { ...next };
  for (const key of ['onFailureDestination', 'filterPatterns', 'kmsKeyArn', 'metrics'] as const) {
    if (!(key in settings)) delete copy[key];
  }
  return copy as unknown as EventSourceMapping;
}

function checkUuid(uuid: string): void {
  if (!UUID.test(uuid)) {
    throw invalidParameter(
      `1 validation error detected: Value '${uuid}' at 'UUID' failed to satisfy constraint: Member must be a UUID such as 14e0db71-5d35-4eb5-b481-8945cf9493dd`,
    );
  }
}

function missing(uuid: string) {
  return notFound(`The resource you requested does not exist. (Event source mapping ${uuid})`);
}

/** Lambda refuses to change a mapping that is still moving between states (aws-facts 1.2). */
function busy(mapping: EventSourceMapping) {
  return inUse(
    `The operation cannot be performed at this time. The event source mapping is currently in a ${mapping.state} state.`,
  );
}

/** The message AWS gives for a second mapping of one source to one function (aws-facts 1.2). */
function duplicate(mapping: EventSourceMapping, existingUuid: string) {
  return conflict(
    `The event source arn (" ${mapping.eventSourceArn} ") and function (" ${mapping.functionArn} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${existingUuid}`,
  );
}
