/**
 * Tumbling-window arithmetic. Lambda cuts windows by the records' approximate arrival time in the
 * stream (Kinesis ApproximateArrivalTimestamp, DynamoDB ApproximateCreationDateTime), in fixed
 * intervals of TumblingWindowInSeconds. The documented example (a 120 s window from 07:04:00 to
 * 07:06:00) sits on a multiple of the window size since the epoch, so a record belongs to the window
 * starting at floor(arrival / size) * size and ending size later (end exclusive).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-windows.html
 * https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-windows.html
 */

/** The start (epoch ms) of the window a record that arrived at `arrivalMs` belongs to. */
export function windowStartMs(arrivalMs: number, sizeSeconds: number): number {
  const sizeMs = sizeSeconds * 1000;
  return Math.floor(arrivalMs / sizeMs) * sizeMs;
}

/**
 * An instant as the event's `window.start` / `window.end` show it: ISO 8601 in UTC, to the second
 * when it falls on a whole second ("2020-12-09T07:04:00Z", as in AWS's example event).
 */
export function windowIsoTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
