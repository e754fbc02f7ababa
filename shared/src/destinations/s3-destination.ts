import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { asyncFailureObjectKey } from './async-invocation-record.js';
import { DestinationType, isAsyncInvocationDelivery, type Destination, type DestinationDelivery } from './destination.js';
import { destinationError } from './destination-error.js';
import { failureObjectKey } from './stream-failure-record.js';

/**
 * S3 on-failure destination, one JSON object per record, keyed by the record's timestamp:
 * - a stream failure record plus `payload: {"Records": [...]}` (the discarded records themselves),
 *   at Lambda's key layout (https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html);
 * - an asynchronous invocation record as it is (it already carries the event as requestPayload), at
 *   `aws/lambda/async/<function>/...` (asyncFailureObjectKey: AWS documents no layout for these).
 */
export class S3Destination implements Destination {
  readonly type = DestinationType.S3;

  constructor(private readonly s3: S3Client) {}

  async deliver(delivery: DestinationDelivery): Promise<void> {
    const bucket = delivery.destinationArn.split(':').slice(5).join(':');
    const { key, body } = objectFor(delivery);
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    } catch (error) {
      throw destinationError(this.type, delivery.destinationArn, error);
    }
  }
}

function objectFor(delivery: DestinationDelivery): { key: string; body: string } {
  const timestampMs = Date.parse(delivery.record.timestamp);
  if (isAsyncInvocationDelivery(delivery)) {
    return { key: asyncFailureObjectKey(delivery.functionName, timestampMs, delivery.deliveryId), body: JSON.stringify(delivery.record) };
  }
  return {
    key: failureObjectKey(delivery.mappingId, delivery.shardId, timestampMs, delivery.deliveryId),
    body: JSON.stringify({ ...delivery.record, payload: { Records: delivery.records } }),
  };
}
