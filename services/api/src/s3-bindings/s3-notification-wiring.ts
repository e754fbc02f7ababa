import type { S3Binding } from '@sluice/shared';

/**
 * Configures a bucket's notification for a managed binding: a TopicConfiguration (Id = the binding's
 * id) to the binding's SNS topic, and the ingress subscribed to that topic. Every other configuration
 * on the bucket is kept.
 */
export interface S3NotificationWiring {
  /** Subscribes the ingress and adds the binding's TopicConfiguration; resolves with the SubscriptionArn. */
  attach(binding: S3Binding & { managed: NonNullable<S3Binding['managed']> }): Promise<string | undefined>;
  /** Removes the binding's TopicConfiguration; unsubscribes too unless `keepSubscription`. */
  detach(binding: S3Binding & { managed: NonNullable<S3Binding['managed']> }, keepSubscription: boolean): Promise<void>;
}
