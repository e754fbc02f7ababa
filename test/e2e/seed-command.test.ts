import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DeleteStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { findFreePort } from '@sluice/localstack';
import { SLUICE_BIN } from '../helpers/sluice-process.js';

// `sluice seed` as docker-compose runs it against LocalStack: one AWS_ENDPOINT_URL for every
// service. moto serves Kinesis too, so it stands in for LocalStack's single endpoint here.

const stack = inject('stack');
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const execFileAsync = promisify(execFile);
const kinesisOnMoto = new KinesisClient({ endpoint: stack.motoEndpoint, region: REGION, credentials, requestHandler: new NodeHttpHandler() });
const dynamodb = new DynamoDBClient({ endpoint: stack.motoEndpoint, region: REGION, credentials });
const kinesisLocal = new KinesisClient({ endpoint: stack.kinesisEndpoint, region: REGION, credentials, requestHandler: new NodeHttpHandler() });

afterAll(async () => {
  await kinesisOnMoto.send(new DeleteStreamCommand({ StreamName: 'sluice-demo' })).catch(() => undefined);
  await dynamodb.send(new DeleteTableCommand({ TableName: 'sluice-demo' })).catch(() => undefined);
  await kinesisLocal.send(new DeleteStreamCommand({ StreamName: 'sluice-demo' })).catch(() => undefined);
  for (const client of [kinesisOnMoto, dynamodb, kinesisLocal]) client.destroy();
});

async function seed(env: Record<string, string>) {
  const { AWS_ENDPOINT_URL: _a, AWS_ENDPOINT_URL_KINESIS: _k, AWS_ENDPOINT_URL_DYNAMODB: _d, ...inherited } = process.env;
  return execFileAsync(process.execPath, [SLUICE_BIN, 'seed'], {
    env: { ...inherited, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION, ...env },
  });
}

describe('sluice seed', () => {
  it('creates the demo stream and table on one endpoint for all services, and a second run is a no-op', async () => {
    // Act
    const first = await seed({ AWS_ENDPOINT_URL: stack.motoEndpoint });
    const second = await seed({ AWS_ENDPOINT_URL: stack.motoEndpoint });

    // Assert
    expect(first.stdout).toContain('Kinesis stream sluice-demo is ACTIVE: arn:aws:kinesis:us-east-1:');
    expect(first.stdout).toMatch(/DynamoDB table sluice-demo is ACTIVE with stream arn:aws:dynamodb:.*:table\/sluice-demo\/stream\//);
    expect(second.stdout).toBe(first.stdout);
    const summary = await kinesisOnMoto.send(new DescribeStreamSummaryCommand({ StreamName: 'sluice-demo' }));
    expect(summary.StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'sluice-demo' }));
    expect(table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
  });

  it('seeds only the stream, and says so, when no DynamoDB endpoint is set', async () => {
    // Act
    const result = await seed({ AWS_ENDPOINT_URL_KINESIS: stack.kinesisEndpoint });

    // Assert
    expect(result.stdout).toContain('Kinesis stream sluice-demo is ACTIVE: arn:aws:kinesis:us-east-1:000000000000:stream/sluice-demo');
    expect(result.stdout).toContain('DynamoDB table skipped: no DynamoDB endpoint is set');
  });

  it('creates the stream and skips the table, with one line saying why, and exits 0 when DynamoDB does not answer', async () => {
    // Arrange: LocalStack without DynamoDB, as far as the seed can tell: nothing listens there.
    const closed = `http://127.0.0.1:${await findFreePort()}`;

    // Act
    const result = await seed({ AWS_ENDPOINT_URL: stack.motoEndpoint, AWS_ENDPOINT_URL_DYNAMODB: closed });

    // Assert
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^Kinesis stream sluice-demo is ACTIVE: arn:aws:kinesis:us-east-1:/),
      expect.stringMatching(new RegExp(`^DynamoDB table sluice-demo skipped: DynamoDB at ${closed} is not available \\(.*ECONNREFUSED.*\\)$`)),
    ]);
    expect(result.stderr).not.toContain('sluice seed:');
  });

  it('fails with exit code 1 and one plain line when the endpoint does not answer', async () => {
    // Act
    const failure = await seed({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    // Assert
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/^sluice seed: seeding the demo resources on http:\/\/127\.0\.0\.1:1 failed: .+/m);
  });
});
