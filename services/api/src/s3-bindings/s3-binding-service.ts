import { randomUUID } from 'node:crypto';
import { findOverlap, type S3Binding, type S3BindingStore } from '@sluice/shared';
import { LambdaApiError, conflict, invalidParameter, notFound } from '../errors/lambda-api-error.js';
import type { FunctionResolver } from '../functions/function-resolver.js';
import type { CreateS3BindingRequest } from './s3-binding-request-schemas.js';
import { checkEvents, toKeyFilter } from './s3-binding-rules.js';
import type { S3NotificationWiring } from './s3-notification-wiring.js';

export interface S3BindingServiceDeps {
  readonly store: S3BindingStore;
  readonly functions: FunctionResolver;
  /** Absent when the API has no AWS clients for S3 and SNS: ManagedNotification is then refused. */
  readonly wiring?: S3NotificationWiring;
  /** The ingress URL for a ManagedNotification that names none (SLUICE_INGRESS_PUBLIC_URL). */
  readonly defaultIngressUrl?: string;
  readonly now?: () => number;
}

/** Concurrent creates on one bucket retry the overlap check this often before giving up. */
const MAX_STALE_RETRIES = 5;

/** The S3 binding operations, with S3's validation rules, over an S3BindingStore. */
export class S3BindingService {
  private readonly now: () => number;

  constructor(private readonly deps: S3BindingServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(req: CreateS3BindingRequest): Promise<S3Binding> {
    const events = checkEvents(req.Events);
    const filter = toKeyFilter(req.Filter);
    const managed = this.managedSettings(req);
    if (req.TopicArn !== undefined && managed !== undefined && req.TopicArn !== managed.topicArn) {
      throw invalidParameter('TopicArn and ManagedNotification.TopicArn name different topics.');
    }
    const fn = await this.deps.functions.resolve(req.FunctionName);
    const topicArn = managed?.topicArn ?? req.TopicArn;
    const binding: S3Binding = {
      id: req.Id ?? randomUUID(),
      bucket: req.Bucket,
      events,
      filter,
      functionName: fn.definition.name,
      functionArn: fn.arn,
      ...(topicArn === undefined ? {} : { topicArn }),
      ...(managed === undefined ? {} : { managed }),
      createdAt: this.now(),
    };
    await this.store(binding);
    return managed === undefined ? binding : this.wire({ ...binding, managed });
  }

  async get(id: string): Promise<S3Binding> {
    const binding = await this.deps.store.get(id);
    if (binding === undefined) throw notFound(`The resource you requested does not exist. (S3 binding ${id})`);
    return binding;
  }

  async delete(id: string): Promise<void> {
    const binding = await this.get(id);
    if (binding.managed !== undefined) {
      const users = await this.deps.store.countForTopic(binding.managed.topicArn);
      // The wiring comes off first: if S3 refuses, the binding stays and the delete can be retried.
      await this.requireWiring().detach({ ...binding, managed: binding.managed }, users > 1);
    }
    if (!(await this.deps.store.remove(binding))) throw notFound(`The resource you requested does not exist. (S3 binding ${id})`);
  }

  private async store(binding: S3Binding): Promise<void> {
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const { version, bindings } = await this.deps.store.forBucket(binding.bucket);
      const overlap = findOverlap(binding, bindings);
      if (overlap !== undefined) throw invalidParameter(`${overlap.message} (S3 binding ${overlap.existingId})`);
      const result = await this.deps.store.create(binding, version);
      if (result === 'created') return;
      if (result === 'id-taken') throw conflict(`An S3 binding with Id ${binding.id} already exists.`);
      // Deleted since resolve() found it: the write checks again so no binding is left pointing at nothing.
      if (result === 'function-missing') throw notFound(`Function not found: ${binding.functionArn}`);
    }
    throw new LambdaApiError('TooManyRequestsException', `Bindings of bucket ${binding.bucket} kept changing; retry.`);
  }

  /** Stored first, so SNS's SubscriptionConfirmation finds a binding expecting the topic; removed again if wiring fails. */
  private async wire(binding: S3Binding & { managed: NonNullable<S3Binding['managed']> }): Promise<S3Binding> {
    try {
      const subscriptionArn = await this.requireWiring().attach(binding);
      const wired: S3Binding = { ...binding, managed: { ...binding.managed, ...(subscriptionArn === undefined ? {} : { subscriptionArn }) } };
      await this.deps.store.update(wired);
      return wired;
    } catch (error) {
      await this.deps.store.remove(binding);
      throw error;
    }
  }

  private managedSettings(req: CreateS3BindingRequest): S3Binding['managed'] {
    if (req.ManagedNotification === undefined) return undefined;
    this.requireWiring();
    const ingressUrl = req.ManagedNotification.IngressUrl ?? this.deps.defaultIngressUrl;
    if (ingressUrl === undefined) {
      throw invalidParameter('ManagedNotification needs an IngressUrl (or SLUICE_INGRESS_PUBLIC_URL on the API): the URL SNS posts to.');
    }
    return { topicArn: req.ManagedNotification.TopicArn, ingressUrl };
  }

  private requireWiring(): S3NotificationWiring {
    if (this.deps.wiring === undefined) throw invalidParameter('ManagedNotification is not available: this API has no S3 and SNS clients.');
    return this.deps.wiring;
  }
}
