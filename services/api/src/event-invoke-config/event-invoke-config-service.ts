import { ErrorCode, SluiceError, functionArn, parseFunctionRef, type EventInvokeConfig, type EventInvokeConfigStore, type FunctionStore } from '@sluice/shared';
import { LambdaApiError, invalidParameter, notFound } from '../errors/lambda-api-error.js';
import type { ArnContext } from '../esm/mapping-wire.js';
import { invalidFunctionName, type FunctionResolver } from '../functions/function-resolver.js';
import { qualifiedFunctionName } from '../functions/qualified-function-name.js';
import { checkDestinations, type Destinations } from './destination-rules.js';
import type { EventInvokeConfigRequest } from './event-invoke-config-request.js';

export interface EventInvokeConfigServiceDeps {
  readonly store: EventInvokeConfigStore;
  readonly functions: Pick<FunctionStore, 'get'>;
  readonly resolver: FunctionResolver;
  readonly arns: ArnContext;
  readonly now?: () => number;
}

interface Target {
  readonly name: string;
  readonly qualifier: string;
}

/**
 * Lambda's event-invoke-config API over the store: Put replaces a function's asynchronous settings,
 * Update changes the members it names, Get/Delete/List read and remove them. Sluice has no versions
 * or aliases, so the only qualifier is $LATEST; the messages are Lambda's.
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
 */
export class EventInvokeConfigService {
  private readonly now: () => number;

  constructor(private readonly deps: EventInvokeConfigServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async put(functionName: string, qualifier: string | undefined, req: EventInvokeConfigRequest): Promise<EventInvokeConfig> {
    requireSomething(req);
    const target = await this.existing(functionName, qualifier);
    if (target === undefined) throw notFound("The function doesn't exist.");
    const destinations = destinationsOf(req.DestinationConfig ?? {});
    await checkDestinations(destinations, { functionName: target.name, arns: this.deps.arns, functions: this.deps.functions });
    return this.write({
      functionName: target.name,
      qualifier: target.qualifier,
      ...(req.MaximumRetryAttempts === undefined ? {} : { maximumRetryAttempts: req.MaximumRetryAttempts }),
      ...(req.MaximumEventAgeInSeconds === undefined ? {} : { maximumEventAgeInSeconds: req.MaximumEventAgeInSeconds }),
      ...destinations,
      lastModified: this.now(),
    });
  }

  /** Changes what the request names; a DestinationConfig replaces both destinations. */
  async update(functionName: string, qualifier: string | undefined, req: EventInvokeConfigRequest): Promise<EventInvokeConfig> {
    requireSomething(req);
    const target = await this.existing(functionName, qualifier);
    if (target === undefined) throw notFound("The function doesn't exist.");
    const current = await this.deps.store.get(target.name, target.qualifier);
    if (current === undefined) throw this.noConfig(target.name, target.qualifier);
    const destinations = req.DestinationConfig === undefined ? undefined : destinationsOf(req.DestinationConfig);
    if (destinations !== undefined) await checkDestinations(destinations, { functionName: target.name, arns: this.deps.arns, functions: this.deps.functions });
    const { onSuccess: _s, onFailure: _f, ...kept } = current;
    return this.write({
      ...(destinations === undefined ? current : { ...kept, ...destinations }),
      ...(req.MaximumRetryAttempts === undefined ? {} : { maximumRetryAttempts: req.MaximumRetryAttempts }),
      ...(req.MaximumEventAgeInSeconds === undefined ? {} : { maximumEventAgeInSeconds: req.MaximumEventAgeInSeconds }),
      lastModified: this.now(),
    });
  }

  async get(functionName: string, qualifier: string | undefined): Promise<EventInvokeConfig> {
    const target = this.target(functionName, qualifier);
    const config = (await this.existing(functionName, qualifier)) === undefined ? undefined : await this.deps.store.get(target.name, target.qualifier);
    if (config === undefined) throw this.noConfig(target.name, target.qualifier);
    return config;
  }

  async remove(functionName: string, qualifier: string | undefined): Promise<void> {
    const target = this.target(functionName, qualifier);
    const removed = (await this.existing(functionName, qualifier)) !== undefined && (await this.deps.store.remove(target.name, target.qualifier));
    if (!removed) throw this.noConfig(target.name, target.qualifier);
  }

  /** Every config of the function, by qualifier; `marker` is the last qualifier of the previous page. */
  async list(functionName: string, marker: string | undefined, maxItems: number): Promise<{ configs: EventInvokeConfig[]; nextMarker?: string }> {
    const target = await this.existing(functionName, undefined);
    if (target === undefined) throw notFound("The function doesn't exist.");
    const all = await this.deps.store.list(target.name);
    const rest = marker === undefined ? all : all.filter((c) => c.qualifier > marker);
    const configs = rest.slice(0, maxItems);
    return { configs, ...(rest.length > maxItems ? { nextMarker: configs.at(-1)!.qualifier } : {}) };
  }

  private async write(config: EventInvokeConfig): Promise<EventInvokeConfig> {
    try {
      await this.deps.store.put(config);
    } catch (error) {
      // Deleted between the check and the write: the store refuses, as Lambda would have.
      if (error instanceof SluiceError && error.code === ErrorCode.FunctionNotFound) throw notFound("The function doesn't exist.");
      throw error;
    }
    return config;
  }

  /** The function and qualifier a request names, without reading the registry (for error messages). */
  private target(functionName: string, qualifier: string | undefined): Target {
    const ref = parseFunctionRef(qualifiedFunctionName(functionName, qualifier));
    if (ref === undefined) throw invalidFunctionName(functionName);
    return { name: ref.name, qualifier: ref.qualifier ?? '$LATEST' };
  }

  /** The registered function and qualifier, or undefined when either does not exist. */
  private async existing(functionName: string, qualifier: string | undefined): Promise<Target | undefined> {
    const target = this.target(functionName, qualifier);
    try {
      await this.deps.resolver.resolve(qualifiedFunctionName(functionName, qualifier));
      return target;
    } catch (error) {
      if (error instanceof LambdaApiError && error.errorType === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  private noConfig(name: string, qualifier: string): LambdaApiError {
    return notFound(`The function ${functionArn(this.deps.arns.region, this.deps.arns.account, name, qualifier)} doesn't have an EventInvokeConfig`);
  }
}

/** Put and Update must change something. */
function requireSomething(req: EventInvokeConfigRequest): void {
  if (req.MaximumRetryAttempts === undefined && req.MaximumEventAgeInSeconds === undefined && req.DestinationConfig === undefined) {
    throw invalidParameter('You must specify at least one of error handling or destination setting.');
  }
}

/** An empty Destination is no destination. */
function destinationsOf(config: NonNullable<EventInvokeConfigRequest['DestinationConfig']>): Destinations {
  const onSuccess = config.OnSuccess?.Destination;
  const onFailure = config.OnFailure?.Destination;
  return { ...(onSuccess ? { onSuccess } : {}), ...(onFailure ? { onFailure } : {}) };
}
