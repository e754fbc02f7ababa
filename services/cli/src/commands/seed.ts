import { createAwsClients, endpointFor, loadConfig, type AwsClients, type SluiceConfig } from '@sluice/shared';
import { seedAvailableDemoResources, type SkippedDemoResource } from '@sluice/localstack';
import { reportCommandFailure } from './command-failure.js';

/**
 * `sluice seed`: creates the demo stream (and, when a DynamoDB endpoint is configured, the demo
 * table with its stream) wherever the AWS settings point: kinesis-local, LocalStack in
 * docker-compose, or an account. Idempotent. Prints one line per resource: made, or skipped and why.
 * Exit code: 0 when something was made and everything skipped was skipped because its service is
 * not there (a LocalStack without DynamoDB still lets the compose stack start); 1 when nothing could
 * be made, or a service answered with something to fix (access denied, a table with the wrong
 * stream type); 2 for a bad setting.
 */
export async function runSeed(): Promise<number> {
  let aws: AwsClients | undefined;
  try {
    const config = loadConfig();
    aws = createAwsClients(config);
    // Without an endpoint this would create a table in a real account; the demo only needs the stream.
    const hasLocalDynamo = endpointFor(config, 'DYNAMODB') !== undefined;
    const where = endpointFor(config, 'KINESIS') ?? `AWS ${config.AWS_REGION}`;
    const seeded = await seedAvailableDemoResources({ kinesis: aws.kinesis, dynamodb: hasLocalDynamo ? aws.dynamodb : undefined }).catch(
      (error: unknown) => {
        // The SDK's own message (`connect ECONNREFUSED ...`) does not say which setting to check.
        throw new Error(`seeding the demo resources on ${where} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      },
    );
    const lines = [
      ...(seeded.stream === undefined ? [] : [`Kinesis stream ${seeded.stream.name} is ACTIVE: ${seeded.stream.arn}`]),
      ...(seeded.table === undefined ? [] : [`DynamoDB table ${seeded.table.name} is ACTIVE with stream ${seeded.table.streamArn}`]),
      ...seeded.skipped.map((skipped) => skippedLine(skipped, config)),
      ...(hasLocalDynamo ? [] : ['DynamoDB table skipped: no DynamoDB endpoint is set (AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL)']),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (seeded.stream === undefined && seeded.table === undefined) {
      throw new Error(`seeding the demo resources on ${where} failed: no service answered`);
    }
    return 0;
  } catch (error) {
    return reportCommandFailure('seed', error);
  } finally {
    aws?.destroy();
  }
}

function skippedLine(skipped: SkippedDemoResource, config: SluiceConfig): string {
  const kind = skipped.service === 'Kinesis' ? 'stream' : 'table';
  const at = endpointFor(config, skipped.service === 'Kinesis' ? 'KINESIS' : 'DYNAMODB') ?? `AWS ${config.AWS_REGION}`;
  return `${skipped.service} ${kind} ${skipped.resource} skipped: ${skipped.service} at ${at} is not available (${skipped.reason})`;
}
