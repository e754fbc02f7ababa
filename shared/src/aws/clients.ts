import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SluiceConfig } from '../config/env.js';
import { endpointFor, type AwsService } from './endpoints.js';

/** The AWS clients every role shares; built once at boot and passed down. */
export interface AwsClients {
  readonly kinesis: KinesisClient;
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  /** On-failure destinations. */
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  destroy(): void;
}

function baseOptions(config: SluiceConfig, service: AwsService) {
  const endpoint = endpointFor(config, service);
  return {
    region: config.AWS_REGION,
    ...(endpoint === undefined ? {} : { endpoint }),
    // Without it the SDK builds a command's middleware chain again on every send: kept once per
    // command class instead (sends without per-call options only, as SQS's are). It is safe because
    // Sluice never changes a client's middleware after the first send. SmithyConfiguration
    // `cacheMiddleware`: https://github.com/smithy-lang/smithy-typescript/blob/main/packages/smithy-client/src/client.ts
    // (what it saves: bench/README.md, the SQS drain results of 2026-12-07 20:04).
    cacheMiddleware: true,
    // HTTP/1.1 for every client: the SDK's HTTP/2 handler breaks on bodies over ~40 KB against
    // kinesis-local, the engine LocalStack runs for Kinesis (../shared/test-stack.md).
    // Sockets: an enhanced fan-out subscription holds one for up to 5 minutes per shard, and the
    // SDK's default of 50 per client would let many subscriptions starve every other call.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: 30_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 1024 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 1024 }),
    }),
  };
}

export function createAwsClients(config: SluiceConfig): AwsClients {
  const kinesis = new KinesisClient(baseOptions(config, 'KINESIS'));
  const dynamodbStreams = new DynamoDBStreamsClient(baseOptions(config, 'DYNAMODB_STREAMS'));
  const dynamodb = new DynamoDBClient(baseOptions(config, 'DYNAMODB'));
  const s3 = new S3Client({ ...baseOptions(config, 'S3'), forcePathStyle: endpointFor(config, 'S3') !== undefined });
  const sqs = new SQSClient(baseOptions(config, 'SQS'));
  const sns = new SNSClient(baseOptions(config, 'SNS'));
  return {
    kinesis,
    dynamodbStreams,
    dynamodb,
    s3,
    sqs,
    sns,
    destroy() {
      for (const client of [kinesis, dynamodbStreams, dynamodb, s3, sqs, sns]) client.destroy();
    },
  };
}
