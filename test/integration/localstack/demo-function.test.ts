import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startDemoFunction, type DemoFunction } from '@sluice/localstack';

const running: DemoFunction[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((fn) => fn.stop()));
});

/** A pino logger whose lines land in `lines`, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('startDemoFunction', () => {
  it('answers 200 {} to a POSTed event and logs it on one line: function, record count, first record shortened, event', async () => {
    // Arrange
    const { logger, lines } = capturingLogger();
    const fn = await startDemoFunction({ logger });
    running.push(fn);
    const data = JSON.stringify({ sequence: 7, message: 'x'.repeat(200) });
    const event = { Records: [{ eventSource: 'aws:kinesis', kinesis: { data: Buffer.from(data).toString('base64') } }, { eventSource: 'aws:kinesis' }] };

    // Act
    const response = await fetch(fn.url, { method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json' } });

    // Assert
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'demo function invoked', function: 'sluice-demo', records: 2, first: `${data.slice(0, 79)}…`, event }),
    ]);
  });

  it('answers 400 to a body that is not JSON and 405 to anything but POST', async () => {
    // Arrange
    const fn = await startDemoFunction({ logger: capturingLogger().logger });
    running.push(fn);

    // Act
    const notJson = await fetch(fn.url, { method: 'POST', body: 'not json' });
    const get = await fetch(fn.url);

    // Assert
    expect(notJson.status).toBe(400);
    expect(get.status).toBe(405);
  });

  it('listens on loopback and stops answering after stop()', async () => {
    // Arrange
    const fn = await startDemoFunction({ logger: capturingLogger().logger });

    // Act
    await fn.stop();

    // Assert
    expect(fn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoke$/);
    await expect(fetch(fn.url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});
