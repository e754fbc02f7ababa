import type { S3Binding } from '@sluice/shared';

/** A binding as the API answers it: S3's configuration names plus the function's ARN. */
export function toS3BindingWire(binding: S3Binding) {
  const rules = [
    ...(binding.filter.prefix === undefined ? [] : [{ Name: 'Prefix', Value: binding.filter.prefix }]),
    ...(binding.filter.suffix === undefined ? [] : [{ Name: 'Suffix', Value: binding.filter.suffix }]),
  ];
  return {
    Id: binding.id,
    Bucket: binding.bucket,
    Events: binding.events,
    ...(rules.length === 0 ? {} : { Filter: { Key: { FilterRules: rules } } }),
    FunctionArn: binding.functionArn,
    ...(binding.topicArn === undefined ? {} : { TopicArn: binding.topicArn }),
    ...(binding.managed === undefined
      ? {}
      : {
          ManagedNotification: {
            TopicArn: binding.managed.topicArn,
            IngressUrl: binding.managed.ingressUrl,
            ...(binding.managed.subscriptionArn === undefined ? {} : { SubscriptionArn: binding.managed.subscriptionArn }),
          },
        }),
    CreatedAt: new Date(binding.createdAt).toISOString(),
  };
}
