/**
 * The emulators test/helpers/global-stack.ts starts once per run; tests read them with
 * `inject('stack')`. Every endpoint is on 127.0.0.1 and a free port.
 */
export interface TestStack {
  /** A Redis shared with other runs: prefix every key (uniqueName), never FLUSHALL. */
  readonly redisUrl: string;
  /** kinesis-local (plain HTTP). */
  readonly kinesisEndpoint: string;
  /** moto server: DynamoDB, DynamoDB Streams, S3, SNS and SQS. */
  readonly motoEndpoint: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: TestStack;
  }
}
