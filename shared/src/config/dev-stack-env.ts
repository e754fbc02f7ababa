/** Where the embedded local stack's services answer; what `sluice dev` points the roles at. */
export interface DevStackEndpoints {
  readonly redisUrl: string;
  readonly kinesisEndpoint: string;
  /** moto server: DynamoDB, DynamoDB Streams, S3, SNS and SQS on one endpoint; absent when skipped. */
  readonly motoEndpoint?: string | undefined;
}

const MOTO_SERVICES = ['DYNAMODB', 'DYNAMODB_STREAMS', 'S3', 'SNS', 'SQS'] as const;

/**
 * Writes the environment the roles read (see env.ts) so that loadConfig(), called next, points
 * every AWS client at the embedded stack. Endpoints are always set (that is what the stack is
 * for); credentials only when the user has none, since the emulators accept anything and a user's
 * own values must win.
 */
export function applyDevStackEnv(stack: DevStackEndpoints, env: NodeJS.ProcessEnv = process.env): void {
  env.REDIS_URL = stack.redisUrl;
  env.AWS_ENDPOINT_URL_KINESIS = stack.kinesisEndpoint;
  if (stack.motoEndpoint !== undefined) {
    for (const service of MOTO_SERVICES) env[`AWS_ENDPOINT_URL_${service}`] = stack.motoEndpoint;
  }
  env.AWS_ACCESS_KEY_ID ??= 'test';
  env.AWS_SECRET_ACCESS_KEY ??= 'test';
}
