import type { EmbeddedStack, RegisteredDemo } from '@sluice/localstack';

export interface DevBannerFacts {
  readonly apiUrl: string;
  /** Where the ingress takes S3 notifications (POST /s3, /sns, /eventbridge), when it runs. */
  readonly ingressUrl?: string | undefined;
  readonly stack: EmbeddedStack;
  readonly demoFunctionUrl: string;
  readonly demo: RegisteredDemo;
  readonly streamName: string;
  readonly tableName?: string | undefined;
  /** The demo SQS queue, mapped to the same function (with moto). */
  readonly queueName?: string | undefined;
  readonly region: string;
  /** Whether SLUICE_API_TOKEN is set: then the CLI must sign with the token as its secret key. */
  readonly apiTokenSet: boolean;
}

/**
 * What `sluice dev` tells a human once everything runs. The first line is a stable contract:
 * scripts and test/e2e/quickstart.test.ts wait for `Sluice API listening on <url>`.
 */
export function devBanner(facts: DevBannerFacts): string {
  const { stack } = facts;
  const lines = [
    `Sluice API listening on ${facts.apiUrl}`,
    `  Dashboard:                 ${facts.apiUrl}/dashboard`,
    ...(facts.ingressUrl === undefined ? [] : [`  S3 ingress (POST /s3, /sns, /eventbridge): ${facts.ingressUrl}`]),
    `  Kinesis (kinesis-local):   ${stack.kinesisEndpoint}`,
    ...(stack.motoEndpoint === undefined
      ? []
      : [`  DynamoDB, DynamoDB Streams, S3, SNS, SQS (moto): ${stack.motoEndpoint}`]),
    `  Redis:                     ${stack.redisUrl}${stack.redisStarted ? ' (started for this session)' : ' (already running)'}`,
    `  Demo: Kinesis stream ${facts.streamName} -> mapping ${facts.demo.mappingUuid} -> function ${facts.demo.functionName} (${facts.demoFunctionUrl})`,
    ...(facts.queueName === undefined || facts.demo.queueMappingUuid === undefined
      ? []
      : [`  Demo: SQS queue ${facts.queueName} -> mapping ${facts.demo.queueMappingUuid} -> function ${facts.demo.functionName}`]),
    ...(facts.tableName === undefined ? [] : [`  Demo: DynamoDB table ${facts.tableName} gets an item written every tick too`]),
    `  Try: ${credentials(facts)} aws --endpoint-url ${facts.apiUrl} lambda list-event-source-mappings`,
    ...staleFunctionWarning(facts),
    ...stack.skipped.map((reason) => `Skipped: ${reason}`),
    'Press Ctrl+C to stop.',
  ];
  return `${lines.join('\n')}\n`;
}

function credentials(facts: DevBannerFacts): string {
  const secret = facts.apiTokenSet ? '<your SLUICE_API_TOKEN>' : 'test';
  return `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=${secret} AWS_REGION=${facts.region}`;
}

/**
 * The function registry keeps the demo function's URL in Redis across runs and has no update; if an
 * earlier run registered another URL (another SLUICE_DEV_DEMO_FUNCTION_PORT), deliveries go there.
 */
function staleFunctionWarning(facts: DevBannerFacts): string[] {
  const { demo, apiUrl } = facts;
  if (demo.registeredFunctionUrl === facts.demoFunctionUrl) return [];
  return [
    `Warning: function ${demo.functionName} was registered by an earlier run with ${demo.registeredFunctionUrl},`,
    `  not ${facts.demoFunctionUrl}, so its events go there. To re-register it, delete the mapping and the function`,
    '  while this runs, then start again:',
    `  aws --endpoint-url ${apiUrl} lambda delete-event-source-mapping --uuid ${demo.mappingUuid}`,
    `  curl -X DELETE ${apiUrl}/sluice/v1/functions/${demo.functionName}`,
    '  or start with another SLUICE_REDIS_PREFIX.',
  ];
}
