import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../../../../services/cli/src/commands/dev-console.js';

const line = (entry: Record<string, unknown>) => JSON.stringify({ level: 30, time: '2026-12-07T09:52:01.123Z', name: 'sluice-dev', ...entry });

describe('formatLogLine', () => {
  it('makes a demo invocation one short line: time, level, source, message, function, count, first record; not the event', () => {
    // Arrange
    const event = { Records: [{ kinesis: { data: Buffer.from('x'.repeat(10_000)).toString('base64') } }] };

    // Act
    const formatted = formatLogLine(
      line({ component: 'demo-function', function: 'sluice-demo', records: 3, first: '{"sequence":2,…', event, msg: 'demo function invoked' }),
    );

    // Assert
    expect(formatted).toBe('09:52:01 INFO  demo-function: demo function invoked function=sluice-demo records=3 first={"sequence":2,…');
  });

  it('shows an error by its message, lists joined, role and component before the message', () => {
    // Act
    const formatted = formatLogLine(
      line({ level: 50, role: 'api', component: 'state-settler', roles: ['api', 'worker'], err: { type: 'Error', message: 'boom', stack: 'Error: boom\n at x' }, msg: 'settling failed' }),
    );

    // Assert
    expect(formatted).toBe('09:52:01 ERROR api/state-settler: settling failed roles=api,worker err="boom"');
  });

  it('passes a line that is not JSON through as it is', () => {
    expect(formatLogLine('plain text\n')).toBe('plain text');
  });
});
