import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  type NotificationConfiguration,
  type S3Client,
  type TopicConfiguration,
} from '@aws-sdk/client-s3';
import { SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { S3Binding } from '@sluice/shared';
import { LambdaApiError, invalidParameter } from '../errors/lambda-api-error.js';
import type { RedisBucketLock } from './redis-bucket-lock.js';
import type { S3NotificationWiring } from './s3-notification-wiring.js';

type ManagedBinding = S3Binding & { managed: NonNullable<S3Binding['managed']> };

/**
 * S3NotificationWiring with the AWS SDK: read-modify-write of the bucket's notification
 * configuration under a per-bucket lock, keeping every configuration that is not the binding's own.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html
 * (a put replaces the whole configuration, hence the read first).
 */
export class AwsS3NotificationWiring implements S3NotificationWiring {
  constructor(
    private readonly clients: { s3: S3Client; sns: SNSClient },
    private readonly lock: RedisBucketLock,
  ) {}

  async attach(binding: ManagedBinding): Promise<string | undefined> {
    // Subscribe first: events published between the two calls then still reach the ingress.
    const subscription = await this.call('Subscribe', () =>
      this.clients.sns.send(
        new SubscribeCommand({
          TopicArn: binding.managed.topicArn,
          Protocol: new URL(binding.managed.ingressUrl).protocol.replace(':', ''),
          Endpoint: binding.managed.ingressUrl,
          ReturnSubscriptionArn: true,
        }),
      ),
    );
    await this.lock.withLock(binding.bucket, async () => {
      const current = await this.read(binding.bucket);
      const topics = (current.TopicConfigurations ?? []).filter((c) => c.Id !== binding.id);
      await this.write(binding.bucket, { ...current, TopicConfigurations: [...topics, topicConfiguration(binding)] });
    });
    return subscription.SubscriptionArn;
  }

  async detach(binding: ManagedBinding, keepSubscription: boolean): Promise<void> {
    await this.lock.withLock(binding.bucket, async () => {
      const current = await this.read(binding.bucket);
      const topics = (current.TopicConfigurations ?? []).filter((c) => c.Id !== binding.id);
      await this.write(binding.bucket, { ...current, TopicConfigurations: topics });
    });
    const arn = binding.managed.subscriptionArn;
    // A subscription still pending confirmation has no ARN to unsubscribe; SNS drops it after 3 days.
    if (!keepSubscription && arn !== undefined && arn.startsWith('arn:')) {
      await this.call('Unsubscribe', () => this.clients.sns.send(new UnsubscribeCommand({ SubscriptionArn: arn })));
    }
  }

  private async read(bucket: string): Promise<NotificationConfiguration> {
    const { $metadata: _metadata, ...config } = await this.call('GetBucketNotificationConfiguration', () =>
      this.clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket })),
    );
    return config;
  }

  private async write(bucket: string, config: NotificationConfiguration): Promise<void> {
    await this.call('PutBucketNotificationConfiguration', () =>
      this.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config })),
    );
  }

  /** AWS errors enter here once: the service's refusals are the caller's to fix, the rest is ours. */
  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const fault = (error as { $fault?: string }).$fault;
      const name = (error as { name?: string }).name ?? 'Error';
      const message = `${operation} failed: ${name}: ${(error as Error).message}`;
      if (fault === 'client') throw invalidParameter(message);
      throw new LambdaApiError('ServiceException', message, { cause: error });
    }
  }
}

function topicConfiguration(binding: ManagedBinding): TopicConfiguration {
  const rules = [
    ...(binding.filter.prefix === undefined ? [] : [{ Name: 'prefix' as const, Value: binding.filter.prefix }]),
    ...(binding.filter.suffix === undefined ? [] : [{ Name: 'suffix' as const, Value: binding.filter.suffix }]),
  ];
  return {
    Id: binding.id,
    TopicArn: binding.managed.topicArn,
    Events: [...binding.events] as TopicConfiguration['Events'],
    ...(rules.length === 0 ? {} : { Filter: { Key: { FilterRules: rules } } }),
  };
}
