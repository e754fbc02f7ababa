/**
 * `sluice dev` in a terminal: each JSON log line becomes one line a person reads, e.g.
 *   09:52:01 INFO  demo-function: demo function invoked function=sluice-demo records=3 first={"sequence":12,...}
 * Scalar fields print as key=value, lists of scalars joined with commas, an error as its message;
 * nested objects (the demo's whole event, request details) are left out: they stay in the JSON
 * lines `sluice dev` writes when its output is not a terminal. A few lines of our own rather than
 * pino-pretty (13 dependencies): it prints nested objects over many lines (or, with singleLine, the
 * whole event on one) unless every such key is listed in its `ignore`.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** pino's own fields, and the ones shown before the message. */
const HEADER_KEYS = new Set(['level', 'time', 'name', 'pid', 'hostname', 'msg', 'role', 'component']);

/** A pino destination writing readable lines to `out`. */
export function devConsole(out: { write(text: string): unknown }): { write(line: string): void } {
  return { write: (line) => void out.write(`${formatLogLine(line)}\n`) };
}

/** One pino JSON line as one readable line; a line that is not JSON is returned as it is. */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const source = [entry.role, entry.component].filter((part) => typeof part === 'string').join('/');
  const fields = Object.entries(entry).flatMap(([key, value]) => (HEADER_KEYS.has(key) ? [] : field(key, value)));
  return [time, level, `${source === '' ? '' : `${source}: `}${String(entry.msg ?? '')}`, ...fields].filter((part) => part !== '').join(' ');
}

function field(key: string, value: unknown): string[] {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return [`${key}=${String(value)}`];
  if (key === 'err' && typeof (value as { message?: unknown }).message === 'string') return [`err="${(value as { message: string }).message}"`];
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return [`${key}=${value.join(',')}`];
  return [];
}
