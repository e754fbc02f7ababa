import { CreateStreamCommand, KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStackErrorCode, findFreePort, isPortInUse, startKinesisLocal, type KinesisLocalHandle } from '@sluice/localstack';
import { listeningAddresses } from '../../helpers/listening-addresses.js';
import { isProcessAlive } from '../../helpers/process-alive.js';
import { uniqueName } from '../../helpers/unique-name.js';

const started: KinesisLocalHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((handle) => handle.stop()));
});

function client(endpoint: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new NodeHttpHandler(),
  });
}

describe('startKinesisLocal', () => {
  it('answers the Kinesis API on the given port, bound to loopback only', async () => {
    // Arrange
    const port = await findFreePort();

    // Act
    const kinesis = await startKinesisLocal({ port });
    started.push(kinesis);

    // Assert
    expect(kinesis.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(await listeningAddresses(port)).toEqual(['127.0.0.1']);
    const sdk = client(kinesis.endpoint);
    const name = uniqueName('kl');
    await sdk.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    expect((await sdk.send(new ListStreamsCommand({}))).StreamNames).toContain(name);
    sdk.destroy();
  });

  it('stop() kills the process and frees the port, and may be called twice', async () => {
    // Arrange
    const kinesis = await startKinesisLocal({ port: 0 });

    // Act
    await kinesis.stop();
    await kinesis.stop();

    // Assert
    expect(isProcessAlive(kinesis.pid)).toBe(false);
    expect(await isPortInUse(kinesis.port)).toBe(false);
  });

  it('refuses a port something else already listens on, naming the port', async () => {
    // Arrange
    const first = await startKinesisLocal({ port: 0 });
    started.push(first);

    // Act
    const second = startKinesisLocal({ port: first.port });

    // Assert
    await expect(second).rejects.toMatchObject({
      code: LocalStackErrorCode.PortInUse,
      message: expect.stringContaining(String(first.port)),
    });
  });
});
