import { createAwsClients, endpointFor, loadConfig, type AwsClients } from '@sluice/shared';
import { seedDemoResources } from '@sluice/localstack';
import { reportCommandFailure } from './command-failure.js';

/**
 * `sluice seed`: creates the demo stream (and, when a DynamoDB endpoint is configured, the demo
 * table with its stream) wherever the AWS settings point: kinesis-local, LocalStack in
 * docker-compose, or an account. Idempotent. Resolves with the process exit code.
 */
export async function runSeed(): Promise<number> {
  let aws: AwsClients | undefined;
  try {
    const config = loadConfig();
    aws = createAwsClients(config);
    // Without an endpoint this would create a table in a real account; the demo only needs the stream.
    const hasLocalDynamo = endpointFor(config, 'DYNAMODB') !== undefined;
    const where = endpointFor(config, 'KINESIS') ?? `AWS ${config.AWS_REGION}`;
    const resources = await seedDemoResources({ kinesis: aws.kinesis, dynamodb: hasLocalDynamo ? aws.dynamodb : undefined }).catch(
      (error: unknown) => {
        // The SDK's own message (`connect ECONNREFUSED ...`) does not say which setting to check.
        throw new Error(`seeding the demo resources on ${where} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      },
    );
    const lines = [`Kinesis stream ${resources.streamName} is ACTIVE: ${resources.streamArn}`];
    lines.push(
      resources.tableName === undefined
        ? 'DynamoDB table skipped: no DynamoDB endpoint is set (AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL)'
        : `DynamoDB table ${resources.tableName} is ACTIVE with stream ${resources.tableStreamArn}`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    return reportCommandFailure('seed', error);
  } finally {
    aws?.destroy();
  }
}
