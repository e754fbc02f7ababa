import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { LocalStackErrorCode, findFreePort, isPortInUse, pingRedis, startEmbeddedStack } from '@sluice/localstack';

const stack = inject('stack');
const VENV = fileURLToPath(new URL('../../../.venv', import.meta.url));
const port = (url: string) => Number(new URL(url).port);

describe('startEmbeddedStack', () => {
  it('starts Redis, kinesis-local and moto, and stop() (twice) leaves nothing it started running', async () => {
    // Arrange
    const redisPort = await findFreePort();

    // Act
    const started = await startEmbeddedStack({ redisUrl: `redis://127.0.0.1:${redisPort}`, kinesisPort: 0, motoPort: 0, venvPath: VENV });

    // Assert
    expect(started.redisStarted).toBe(true);
    expect(started.skipped).toEqual([]);
    expect(started.motoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ports = [redisPort, port(started.kinesisEndpoint), port(started.motoEndpoint!)];
    expect(await Promise.all(ports.map((p) => isPortInUse(p)))).toEqual([true, true, true]);
    await started.stop();
    await started.stop();
    expect(await Promise.all(ports.map((p) => isPortInUse(p)))).toEqual([false, false, false]);
  });

  it('keeps a Redis it found running when it stops', async () => {
    // Act
    const started = await startEmbeddedStack({ redisUrl: stack.redisUrl, kinesisPort: 0, motoPort: 0, venvPath: VENV });
    await started.stop();

    // Assert
    expect(started.redisStarted).toBe(false);
    expect(await pingRedis(stack.redisUrl)).toBe(true);
  });

  it('runs without moto when the venv is missing, and says what is skipped', async () => {
    // Arrange
    const emptyVenv = mkdtempSync(join(tmpdir(), 'sluice-no-venv-'));

    // Act
    const started = await startEmbeddedStack({ redisUrl: stack.redisUrl, kinesisPort: 0, motoPort: 0, venvPath: emptyVenv });
    await started.stop();

    // Assert
    expect(started.motoEndpoint).toBeUndefined();
    expect(started.skipped).toHaveLength(1);
    expect(started.skipped[0]).toContain("pip install 'moto[server]'");
  });

  it('fails when moto is required but missing, and stops what it had started', async () => {
    // Arrange
    const emptyVenv = mkdtempSync(join(tmpdir(), 'sluice-no-venv-'));
    const kinesisPort = await findFreePort();

    // Act
    const attempt = startEmbeddedStack({ redisUrl: stack.redisUrl, kinesisPort, motoPort: 0, venvPath: emptyVenv, requireMoto: true });

    // Assert
    await expect(attempt).rejects.toMatchObject({ code: LocalStackErrorCode.CommandNotFound });
    expect(await isPortInUse(kinesisPort)).toBe(false);
  });

  it('stops the parts that started when another part fails', async () => {
    // Arrange: moto's port is taken, so moto fails while kinesis-local starts.
    const blocker = await startEmbeddedStack({ redisUrl: stack.redisUrl, kinesisPort: 0, motoPort: 0, venvPath: VENV });
    const kinesisPort = await findFreePort();

    // Act
    const attempt = startEmbeddedStack({
      redisUrl: stack.redisUrl,
      kinesisPort,
      motoPort: port(blocker.motoEndpoint!),
      venvPath: VENV,
    });

    // Assert
    await expect(attempt).rejects.toMatchObject({ code: LocalStackErrorCode.PortInUse });
    expect(await isPortInUse(kinesisPort)).toBe(false);
    await blocker.stop();
  });
});
