import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DestinationType, type Destination, type FailureDelivery } from './destination.js';
import { destinationError } from './destination-error.js';
import { failureObjectKey } from './stream-failure-record.js';

/**
 * S3 on-failure destination: the failure record plus `payload: {"Records": [...]}` (the discarded
 * records themselves), as one JSON object at Lambda's key layout, keyed by the record's timestamp.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 */
export class S3Destination implements Destination {
  readonly type = DestinationType.S3;

  constructor(private readonly s3: S3Client) {}

  async deliver(delivery: FailureDelivery): Promise<void> {
    const bucket = delivery.destinationArn.split(':').slice(5).join(':');
    const key = failureObjectKey(delivery.mappingId, delivery.shardId, Date.parse(delivery.record.timestamp), delivery.deliveryId);
    const body = JSON.stringify({ ...delivery.record, payload: { Records: delivery.records } });
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
    } catch (error) {
      throw destinationError(this.type, delivery.destinationArn, error);
    }
  }
}
