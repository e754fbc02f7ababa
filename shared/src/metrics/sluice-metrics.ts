import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createEventCountCounters } from './event-count-metrics.js';

/**
 * Every Prometheus metric Sluice exports, created once per process on its own registry and passed
 * to the roles that record them. Label names are fixed here so dashboards can rely on them.
 */
export function createSluiceMetrics(registry: Registry = new Registry()) {
  const registers = [registry];
  return {
    registry,
    /** MetricsConfig EventCount: Lambda's event counts by AWS's names, for the mappings that turned them on. */
    eventCounts: createEventCountCounters(registers),
    /** Age of the last record of each finished batch at finish time (Lambda's IteratorAge). */
    iteratorAgeMs: new Gauge({ name: 'sluice_iterator_age_milliseconds', help: 'Age of the last record of the last finished batch', labelNames: ['mapping', 'shard'], registers }),
    recordsRead: new Counter({ name: 'sluice_records_read_total', help: 'Records read from stream shards', labelNames: ['mapping', 'shard'], registers }),
    recordsFiltered: new Counter({
      name: 'sluice_records_filtered_total',
      help: 'Records no FilterCriteria filter matched: consumed (checkpointed past, or deleted from their queue) without being delivered',
      labelNames: ['mapping'],
      registers,
    }),
    queueMessagesReceived: new Counter({ name: 'sluice_queue_messages_received_total', help: 'Messages received from queues (SQS)', labelNames: ['mapping'], registers }),
    queueMessagesDeleted: new Counter({
      name: 'sluice_queue_messages_deleted_total',
      help: 'Messages deleted from their queue: their batch succeeded, or no FilterCriteria filter matched them',
      labelNames: ['mapping'],
      registers,
    }),
    queueMessagesFailed: new Counter({
      name: 'sluice_queue_messages_failed_total',
      help: 'Messages left in their queue after a failed batch, to come back after their visibility timeout',
      labelNames: ['mapping'],
      registers,
    }),
    queueMessagesInFlight: new Gauge({ name: 'sluice_queue_messages_in_flight', help: 'Messages this process holds invisible (gathered or with their batch running)', labelNames: ['mapping'], registers }),
    queueBacklog: new Gauge({ name: 'sluice_queue_backlog_messages', help: "The queue's ApproximateNumberOfMessages, as last read", labelNames: ['mapping'], registers }),
    queuePollers: new Gauge({ name: 'sluice_queue_pollers', help: 'Receive loops this process runs for a queue mapping', labelNames: ['mapping'], registers }),
    batches: new Counter({ name: 'sluice_batches_total', help: 'Batches finished, by outcome (succeeded, discarded)', labelNames: ['mapping', 'outcome'], registers }),
    invocations: new Counter({ name: 'sluice_invocations_total', help: 'Function invocations, by outcome (success, function_error, transport_error)', labelNames: ['function', 'outcome'], registers }),
    retries: new Counter({ name: 'sluice_retries_total', help: 'Batch retries, by reason (function_error, transport_error)', labelNames: ['mapping', 'reason'], registers }),
    destinationDeliveries: new Counter({
      name: 'sluice_destination_deliveries_total',
      help: 'On-failure destination deliveries, by destination type (sqs, sns, s3) and outcome (delivered, failed)',
      labelNames: ['mapping', 'type', 'outcome'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'sluice_dead_letters_total',
      help: 'Discarded batches without an on-failure destination, by outcome (parked, park_failed, replayed, replay_failed)',
      labelNames: ['mapping', 'outcome'],
      registers,
    }),
    asyncInvocations: new Counter({
      name: 'sluice_async_invocations_total',
      help: 'Asynchronous events finished, by outcome (success, retries_exhausted, event_age_exceeded, zero_reserved_concurrency)',
      labelNames: ['function', 'outcome'],
      registers,
    }),
    asyncRetries: new Counter({
      name: 'sluice_async_retries_total',
      help: 'Asynchronous events requeued, by reason (function_error and internal_fault spend MaximumRetryAttempts; throttle and system_error do not)',
      labelNames: ['function', 'reason'],
      registers,
    }),
    asyncDestinationDeliveries: new Counter({
      name: 'sluice_async_destination_deliveries_total',
      help: 'Asynchronous invocation records sent to OnSuccess/OnFailure, by destination type (sqs, sns, s3, lambda, dead-letter) and outcome (delivered, failed)',
      labelNames: ['function', 'type', 'outcome'],
      registers,
    }),
    s3Pushes: new Counter({
      name: 'sluice_s3_push_events_total',
      help: 'Events pushed to the ingress, by form (s3, sns, eventbridge) and outcome per binding (queued, duplicate) or unmatched',
      labelNames: ['form', 'outcome'],
      registers,
    }),
    s3PushesRefused: new Counter({
      name: 'sluice_s3_push_refused_total',
      help: 'Pushes the ingress refused, by form and error type (UnrecognizedClientException, InvalidSignatureException, ...)',
      labelNames: ['form', 'error'],
      registers,
    }),
    millisBehindLatest: new Gauge({ name: 'sluice_millis_behind_latest', help: 'How far a shard reader is behind the tip of its shard', labelNames: ['mapping', 'shard'], registers }),
    leasesHeld: new Gauge({ name: 'sluice_leases_held', help: 'Shard leases this process holds', labelNames: ['mapping'], registers }),
    invokeDuration: new Histogram({
      name: 'sluice_invoke_duration_seconds',
      help: 'Duration of function invocations',
      labelNames: ['function'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    }),
  };
}

export type SluiceMetrics = ReturnType<typeof createSluiceMetrics>;
