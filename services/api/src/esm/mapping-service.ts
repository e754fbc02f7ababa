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
import { LambdaApiError, conflict, inUse, invalidParameter, notFound, validationException } from '../errors/lambda-api-error.js';
import { invalidFunctionName, type FunctionResolver, type ResolvedFunction } from '../functions/function-resolver.js';
import type { CreateMappingRequest, UpdateMappingRequest } from './mapping-request-schemas.js';
import { CLEARABLE_SETTINGS, type MappingLimits } from './rules/common-rules.js';
import { checkVisibilityTimeout, queueDefaults, resolveQueueSettings, type QueueFacts } from './rules/queue-rules.js';
import { refuseUnsupportedMembers, unsupportedMemberMessage } from './rules/source-members.js';
import { STREAM_DEFAULTS, resolveSettings, resolveStartingPoint } from './rules/stream-rules.js';
import type { SourceChecker, SourceFacts } from './source-checker.js';
import { TagService } from '../tags/tag-service.js';

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
  'uuid' | 'eventSourceArn' | 'functionArn' | 'functionName' | 'state' | 'stateTransitionReason' | 'lastProcessingResult' | 'lastModified' | 'version'
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
    const source = sourceOf(req);
    const profile = sourceProfile(source.kind);
    refuseUnsupportedMembers(req, profile);
    if (req.Tags !== undefined) TagService.checkCount(req.Tags);
    const now = this.now();
    const mapping = profile.model === 'stream' ? await this.newStreamMapping(req, source, now) : await this.newQueueMapping(req, source, profile, now);
    const result = await this.deps.store.create(mapping, now + this.deps.settleMs, req.Tags);
    if (result.outcome === 'duplicate') throw duplicate(mapping, result.existingUuid);
    if (result.outcome === 'function-missing') throw functionMissing(mapping.functionArn);
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
    const fn = req.FunctionName === undefined ? undefined : await this.resolveFunction(req.FunctionName);
    if (current.sourceModel === 'queue') {
      await this.checkQueue(current.eventSourceArn, fn ?? (await this.resolveFunction(current.functionName)));
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
    if (result.outcome === 'function-missing') throw functionMissing(next.functionArn);
    if (result.outcome === 'missing') throw missing(uuid);
    if (result.outcome === 'stale') throw changedMeanwhile();
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
    if (result.outcome !== 'written') throw changedMeanwhile();
    return next;
  }

  private async newStreamMapping(req: CreateMappingRequest, source: SourceArn, now: number): Promise<StreamMapping> {
    const start = resolveStartingPoint(req, source.kind, now);
    const settings = resolveSettings(STREAM_DEFAULTS, req, this.deps.limits, sourceProfile(source.kind));
    const fn = await this.resolveFunction(req.FunctionName);
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
    const settings = resolveQueueSettings(queueDefaults(profile), req, this.deps.limits, { fifo: isFifoQueueArn(source.arn) }, profile);
    const fn = await this.resolveFunction(req.FunctionName);
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
      version: 1,
    };
  }

  /**
   * The function a mapping names. Lambda answers a function that does not exist with 400
   * InvalidParameterValueException "Function does not exist" (as AWS answered it for an SQS source:
   * hashicorp/terraform-provider-aws#22373; LocalStack's validation gives every source the same),
   * not the 404 its function operations give; that Update answers the same is inferred.
   */
  private async resolveFunction(functionName: string): Promise<ResolvedFunction> {
    try {
      return await this.deps.functions.resolve(functionName);
    } catch (error) {
      if (error instanceof LambdaApiError && error.errorType === 'ResourceNotFoundException') throw functionMissing(error.message);
      throw error;
    }
  }

  /** The update's settings by the mapping's model, with the rules between fields. */
  private updatedSettings(current: EventSourceMapping, req: UpdateMappingRequest) {
    const profile = sourceProfile(current.sourceKind);
    switch (current.sourceModel) {
      case 'stream':
        return resolveSettings(current, req, this.deps.limits, profile);
      case 'queue':
        return resolveQueueSettings(current, req, this.deps.limits, { fifo: isFifoQueueArn(current.eventSourceArn) }, profile);
    }
  }
}

/** The kinds Sluice maps, for the detail of a refused source. */
const SLUICE_SOURCES = 'Sluice maps Kinesis streams, Kinesis stream consumers, DynamoDB streams and SQS queues';

/**
 * The request's source. Without EventSourceArn and SelfManagedEventSource Lambda answers
 * "Unrecognized event source." (LocalStack's validation); a self-managed Kafka source is not one
 * Sluice maps. An ARN of a service Lambda does not read gets Lambda's sentence as users quote it
 * (serverless/serverless reports; no recording found), which also fits the services Lambda reads
 * and Sluice does not (Amazon MQ, MSK, DocumentDB): Sluice's list is the detail.
 */
function sourceOf(req: CreateMappingRequest): SourceArn {
  if (req.EventSourceArn === undefined) {
    if (req.SelfManagedEventSource !== undefined) throw invalidParameter(unsupportedMemberMessage('SelfManagedEventSource'), `${SLUICE_SOURCES}; self-managed Apache Kafka is not one of them`);
    throw invalidParameter('Unrecognized event source.', `no EventSourceArn: ${SLUICE_SOURCES}`);
  }
  const source = parseSourceArn(req.EventSourceArn);
  if (source === undefined) {
    throw invalidParameter(
      `Unrecognized event source, must be kinesis, dynamodb stream or sqs. Unsupported source arn : ${req.EventSourceArn}`,
      `${SLUICE_SOURCES}, by these ARNs: arn:aws:kinesis:<region>:<account>:stream/<name>[/consumer/<name>:<epoch>], arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>, arn:aws:sqs:<region>:<account>:<queue>`,
    );
  }
  return source;
}

function functionMissing(detail: string) {
  return invalidParameter('Function does not exist', detail);
}

/** Another request wrote the mapping between our read and our write (Sluice's optimistic lock); Lambda's sentence for it is inferred. */
function changedMeanwhile() {
  return conflict('The operation cannot be performed at this time. An update is in progress for the event source mapping.', 'another request changed the mapping meanwhile; retry');
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

/**
 * The model's UUIDString is 36 characters and nothing more: another length is the framework's
 * ValidationException (at 'uUID': the framework lowercases the first letter only), anything else
 * of that length is simply no mapping.
 */
function checkUuid(uuid: string): void {
  if (uuid.length !== 36) {
    const bound = uuid.length < 36 ? 'greater' : 'less';
    throw validationException(`1 validation error detected: Value '${uuid}' at 'uUID' failed to satisfy constraint: Member must have length ${bound} than or equal to 36`);
  }
  if (!UUID.test(uuid)) throw missing(uuid);
}

/** Recorded on AWS for an unknown mapping UUID (aws-sdk-ruby's lambda feature test; LocalStack's test_lambda_api snapshot for other resources). */
function missing(uuid: string) {
  return notFound('The resource you requested does not exist.', `no event source mapping ${uuid}`);
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
