import type { SluiceConfig } from '../config/env.js';

/** The services Sluice talks to, keyed as the SDK's `AWS_ENDPOINT_URL_<SERVICE>` names them. */
export type AwsService = 'KINESIS' | 'DYNAMODB' | 'DYNAMODB_STREAMS' | 'LAMBDA' | 'S3' | 'SNS' | 'SQS';

/**
 * The endpoint for one service: its own variable first, then the global one, as the SDKs do.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function endpointFor(config: SluiceConfig, service: AwsService): string | undefined {
  return config[`AWS_ENDPOINT_URL_${service}`] ?? config.AWS_ENDPOINT_URL;
}
