import type { EmbeddedStack, RegisteredDemo } from '@sluice/localstack';

export interface DevBannerFacts {
  readonly apiUrl: string;
  readonly stack: EmbeddedStack;
  readonly redisStarted: boolean;
  readonly demoFunctionUrl: string;
  readonly demo: RegisteredDemo;
  readonly streamName: string;
  readonly tableName?: string | undefined;
}

/**
 * What `sluice dev` tells a human once everything runs. The first line is a stable contract:
 * scripts and test/e2e/quickstart.test.ts wait for `Sluice API listening on <url>`.
 */
export function devBanner(facts: DevBannerFacts): string {
  const { stack } = facts;
  const lines = [
    `Sluice API listening on ${facts.apiUrl}`,
    `  Kinesis (kinesis-local):   ${stack.kinesisEndpoint}`,
    ...(stack.motoEndpoint === undefined
      ? []
      : [`  DynamoDB, DynamoDB Streams, S3, SNS, SQS (moto): ${stack.motoEndpoint}`]),
    `  Redis:                     ${stack.redisUrl}${facts.redisStarted ? ' (started for this session)' : ' (already running)'}`,
    `  Demo: Kinesis stream ${facts.streamName} -> mapping ${facts.demo.mappingUuid} -> function ${facts.demo.functionName} (${facts.demoFunctionUrl})`,
    ...(facts.tableName === undefined ? [] : [`  Demo: DynamoDB table ${facts.tableName} gets an item written every tick too`]),
    `  Try: aws --endpoint-url ${facts.apiUrl} lambda list-event-source-mappings`,
    ...stack.skipped.map((reason) => `Skipped: ${reason}`),
    'Press Ctrl+C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}
