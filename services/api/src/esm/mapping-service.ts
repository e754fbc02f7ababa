import { randomUUID } from 'node:crypto';
import {
  MappingState,
  isFifoQueueArn,
  isStableState,
  parseFunctionRef,
  parseSourceArn,
  sourceProfile,
  updateState,
  type EventSourceMapping,
  type MappingStore,
  type QueueMapping,
  type QueueSourceProfile,
  type SourceArn,
  type StreamMapping,
} from '@sluice/shared';
import { conflict, inUse, invalidParameter, notFound } from '../errors/lambda-api-error.js';
import { invalidFunctionName, type FunctionResolver, type ResolvedFunction } from '../functions/function-resolver.js';
import type { CreateMappingRequest, UpdateMappingRequest } from './mapping-request-schemas.js';
import { CLEARABLE_SETTINGS, type MappingLimits } from './rules/common-rules.js';
import { checkVisibilityTimeout, queueDefaults, resolveQueueSettings, type QueueFacts } from './rules/queue-rules.js';
import { refuseUnsupportedMembers } from './rules/source-members.js';
import { STREAM_DEFAULTS, resolveSettings, resolveStartingPoint } from './rules/stream-rules.js';
import type { SourceChecker, SourceFacts } from './source-checker.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What every new mapping starts with, whatever its source. */
type MappingIdentity = Pick<
  EventSourceMapping,
  'uuid' | 'eventSourceArn' | 'functionArn' | 'functionName' | 'state' | 'stateTransitionReason' | 'lastProcessingResult' | 'lastModified' | 'tags' | 'version'
>;

/**
 * The event-source-mapping operations, with Lambda's rules, over a MappingStore. The source kind's
 * profile says which members a request may carry and which model's rules apply (stream or queue).
 */
export class MappingService {
  private readonly now: () => number;
  private readonly newUuid: () => string;

  constructor(private readonly deps: MappingServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newUuid = deps.newUuid ?? randomUUID;
  }

  async create(req: CreateMappingRequest): Promise<EventSourceMapping> {
    checkFunctionName(req.FunctionName);
    const source = parseSourceArn(req.EventSourceArn);
    if (source === undefined) {
      throw invalidParameter(
        `Unsupported event source: ${req.EventSourceArn}. Sluice maps Kinesis streams, Kinesis stream consumers, DynamoDB streams and SQS queues.`,
      );
    }
    const profile = sourceProfile(source.kind);
    refuseUnsupportedMembers(req, profile);
    const now = this.now();
    const mapping = profile.model === 'stream' ? await this.newStreamMapping(req, source, now) : await this.newQueueMapping(req, source, profile, now);
    const result = await this.deps.store.create(mapping, now + this.deps.settleMs);
    if (result.outcome === 'duplicate') throw duplicate(mapping, result.existingUuid);
    if (result.outcome === 'function-missing') throw notFound(`Function not found: ${mapping.functionArn}`);
    return mapping;
  }

  async get(uuid: string): Promise<EventSourceMapping> {
    checkUuid(uuid);
    const mapping = await this.deps.store.get(uuid);
    if (mapping === undefined) throw missing(uuid);
    return mapping;
  }

  async update(uuid: string, req: UpdateMappingRequest): Promise<EventSourceMapping> {
    checkUuid(uuid);
    if (req.FunctionName !== undefined) checkFunctionName(req.FunctionName);
    const current = await this.get(uuid);
    if (!isStableState(current.state)) throw busy(current);
    const profile = sourceProfile(current.sourceKind);
    refuseUnsupportedMembers(req, profile);
    const settings = this.updatedSettings(current, req);
    const fn = req.FunctionName === undefined ? undefined : await this.deps.functions.resolve(req.FunctionName);
    if (current.sourceModel === 'queue') {
      await this.checkQueue(current.eventSourceArn, fn ?? (await this.deps.functions.resolve(current.functionName)));
    }
    const now = this.now();
    const next = withoutCleared(
      {
        ...current,
        ...settings,
        ...(fn === undefined ? {} : { functionArn: fn.arn, functionName: fn.definition.name }),
        state: updateState(current.enabled, settings.enabled),
        stateTransitionReason: profile.userStateTransitionReason,
        lastModified: now,
        version: current.version + 1,
      } as EventSourceMapping,
      settings,
    );
    const result = await this.deps.store.replace(current, next, now + this.deps.settleMs);
    if (result.outcome === 'duplicate') throw duplicate(next, result.existingUuid);
    if (result.outcome === 'function-missing') throw notFound(`Function not found: ${next.functionArn}`);
    if (result.outcome === 'missing') throw missing(uuid);
    if (result.outcome === 'stale') throw conflict('The event source mapping was changed by another request; retry.');
    return next;
  }

  async delete(uuid: string): Promise<EventSourceMapping> {
    const current = await this.get(uuid);
    if (!isStableState(current.state)) throw busy(current);
    const now = this.now();
    const next: EventSourceMapping = {
      ...current,
      state: MappingState.Deleting,
      stateTransitionReason: sourceProfile(current.sourceKind).userStateTransitionReason,
      lastModified: now,
      version: current.version + 1,
    };
    const result = await this.deps.store.replace(current, next, now + this.deps.settleMs);
    if (result.outcome === 'missing') throw missing(uuid);
    if (result.outcome !== 'written') throw conflict('The event source mapping was changed by another request; retry.');
    return next;
  }

  private async newStreamMapping(req: CreateMappingRequest, source: SourceArn, now: number): Promise<StreamMapping> {
    const start = resolveStartingPoint(req, source.kind, now);
    const settings = resolveSettings(STREAM_DEFAULTS, req, this.deps.limits);
    const fn = await this.deps.functions.resolve(req.FunctionName);
    if ((await this.deps.sources.describe(source)) === undefined) throw invalidParameter(`Stream not found: ${source.arn}`);
    return { ...this.identity(req, source, fn, now), sourceModel: 'stream', sourceKind: source.kind as StreamMapping['sourceKind'], ...start, ...settings };
  }

  /**
   * The rules between the request's fields come first, then the function, then the queue itself
   * (LocalStack's validate_event_source_mapping order; AWS's own is not recorded), so a queue is
   * FIFO by its name here: SQS requires the .fifo suffix of FIFO queues and allows no dot in others.
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html#API_CreateQueue_RequestParameters
   */
  private async newQueueMapping(req: CreateMappingRequest, source: SourceArn, profile: QueueSourceProfile, now: number): Promise<QueueMapping> {
    const settings = resolveQueueSettings(queueDefaults(profile), req, this.deps.limits, { fifo: isFifoQueueArn(source.arn) });
    const fn = await this.deps.functions.resolve(req.FunctionName);
    await this.checkQueue(source.arn, fn);
    const mapping: QueueMapping = { ...this.identity(req, source, fn, now), sourceModel: 'queue', sourceKind: source.kind as QueueMapping['sourceKind'], ...settings };
    // An SQS mapping created disabled answers Disabled at once, not Creating (recorded on AWS:
    // test_fifo_message_group_parallelism in LocalStack's tests/aws/services/lambda_/
    // event_source_mapping/test_lambda_integration_sqs.snapshot.json).
    return settings.enabled ? mapping : { ...mapping, state: MappingState.Disabled };
  }

  /**
   * The queue must exist, and its visibility timeout must not be shorter than the timeout of the
   * function the mapping will have; Lambda checks both on Create and on every Update.
   */
  private async checkQueue(queueArn: string, fn: ResolvedFunction): Promise<void> {
    const queue = queueFactsOf(await this.deps.sources.describe(parseSourceArn(queueArn)!));
    checkVisibilityTimeout(queue, fn.definition.timeout);
  }

  private identity(req: CreateMappingRequest, source: SourceArn, fn: ResolvedFunction, now: number): MappingIdentity {
    return {
      uuid: this.newUuid(),
      eventSourceArn: source.arn,
      functionArn: fn.arn,
      functionName: fn.definition.name,
      state: MappingState.Creating,
      stateTransitionReason: sourceProfile(source.kind).userStateTransitionReason,
      lastProcessingResult: 'No records processed',
      lastModified: now,
      ...(req.Tags === undefined ? {} : { tags: req.Tags }),
      version: 1,
    };
  }

  /** The update's settings by the mapping's model, with the rules between fields. */
  private updatedSettings(current: EventSourceMapping, req: UpdateMappingRequest) {
    switch (current.sourceModel) {
      case 'stream':
        return resolveSettings(current, req, this.deps.limits);
      case 'queue':
        return resolveQueueSettings(current, req, this.deps.limits, { fifo: isFifoQueueArn(current.eventSourceArn) });
    }
  }
}

/** A queue's facts, or Lambda's refusal of a queue that does not exist. */
function queueFactsOf(facts: SourceFacts | undefined): QueueFacts {
  if (facts === undefined || facts.model !== 'queue') {
    // No AWS recording: the sentence LocalStack's check_service_resource_exists writes
    // (localstack-core/localstack/services/lambda_/provider.py), with SQS's own NonExistentQueue message.
    throw invalidParameter(
      'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.',
    );
  }
  return facts;
}

/** Settings an update cleared (filters, destination, ...) must not survive the spread of `current`. */
function withoutCleared(next: EventSourceMapping, settings: object): EventSourceMapping {
  const copy: Record<string, unknown> = { ...next };
  for (const key of CLEARABLE_SETTINGS) {
    if (!(key in settings)) delete copy[key];
  }
  return copy as unknown as EventSourceMapping;
}

/** FunctionName's pattern is the API model's: the framework checks it before Lambda's own rules. */
function checkFunctionName(functionName: string): void {
  if (parseFunctionRef(functionName) === undefined) throw invalidFunctionName(functionName);
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

/** Lambda refuses to change a mapping that is still moving between states. */
function busy(mapping: EventSourceMapping) {
  return inUse(
    `The operation cannot be performed at this time. The event source mapping is currently in a ${mapping.state} state.`,
  );
}

/** The message AWS gives for a second mapping of one source to one function; an SQS queue's names the function by name. */
function duplicate(mapping: EventSourceMapping, existingUuid: string) {
  switch (mapping.sourceModel) {
    case 'stream':
      return conflict(
        `The event source arn (" ${mapping.eventSourceArn} ") and function (" ${mapping.functionArn} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${existingUuid}`,
      );
    case 'queue':
      return conflict(
        `An event source mapping with SQS arn (" ${mapping.eventSourceArn} ") and function (" ${mapping.functionName} ") already exists. Please update or delete the existing mapping with UUID ${existingUuid}`,
      );
  }
}
