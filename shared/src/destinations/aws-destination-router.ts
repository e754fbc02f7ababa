import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import type { Destination, DestinationRouter } from './destination.js';
import { S3Destination } from './s3-destination.js';
import { SnsDestination } from './sns-destination.js';
import { SqsDestination } from './sqs-destination.js';

/**
 * Routes a destination ARN to SQS, SNS or S3 by its service, the three on-failure targets Lambda
 * allows for stream mappings (the API validates the ARN when the mapping is written), and, when
 * given one, `lambda` ARNs to a function destination (asynchronous invocations only).
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-on-failure-destination.html
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export class AwsDestinationRouter implements DestinationRouter {
  private readonly byService: Readonly<Record<string, Destination>>;

  constructor(clients: { readonly sqs: SQSClient; readonly sns: SNSClient; readonly s3: S3Client }, functions?: Destination) {
    this.byService = {
      sqs: new SqsDestination(clients.sqs),
      sns: new SnsDestination(clients.sns),
      s3: new S3Destination(clients.s3),
      ...(functions === undefined ? {} : { lambda: functions }),
    };
  }

  destinationFor(destinationArn: string): Destination {
    const service = destinationArn.split(':')[2] ?? '';
    const destination = this.byService[service];
    if (destination === undefined) {
      throw new SluiceError(ErrorCode.DestinationFailed, `unsupported on-failure destination ${destinationArn}`, { retryable: true });
    }
    return destination;
  }
}
