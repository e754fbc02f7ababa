import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { findFreePort, isPortInUse, startMotoServer } from '@sluice/localstack';
import { listeningAddresses } from '../../helpers/listening-addresses.js';

const VENV = fileURLToPath(new URL('../../../.venv', import.meta.url));

describe('startMotoServer', () => {
  it('starts moto from the venv on loopback, answering DynamoDB, and stop() frees the port', async () => {
    // Arrange
    const port = await findFreePort();

    // Act
    const moto = await startMotoServer({ venvPath: VENV, port });

    // Assert
    if (moto.status !== 'started') throw new Error(`moto did not start: ${moto.reason}`);
    expect(moto.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(await listeningAddresses(port)).toEqual(['127.0.0.1']);
    const dynamodb = new DynamoDBClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(expect.any(Array));
    dynamodb.destroy();
    await moto.stop();
    expect(await isPortInUse(port)).toBe(false);
  });

  it('skips with a plain message saying what is missing and how to get it when the venv has no moto', async () => {
    // Arrange
    const emptyVenv = mkdtempSync(join(tmpdir(), 'sluice-no-venv-'));

    // Act
    const moto = await startMotoServer({ venvPath: emptyVenv, port: 0 });

    // Assert
    expect(moto.status).toBe('skipped');
    if (moto.status !== 'skipped') return;
    expect(moto.reason).toContain('DynamoDB Streams');
    expect(moto.reason).toContain('S3, SNS and SQS');
    expect(moto.reason).toContain(`python3 -m venv ${emptyVenv} && ${emptyVenv}/bin/pip install 'moto[server]'`);
  });
});
