/** The Invoke API's Tail is the last 4 KB of the log (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). */
export const LOG_TAIL_BYTES = 4096;

export interface InvocationReport {
  readonly durationMs: number;
  readonly memoryMb: number;
  readonly memoryUsedMb?: number;
  /** Only on a cold start. */
  readonly initDurationMs?: number;
}

/**
 * One invocation's log as Lambda writes it: START, the function's lines, END and REPORT, cut to
 * its last 4 KB. https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
 */
export function invocationLog(requestId: string, lines: string, report: InvocationReport): string {
  const fields = [
    `REPORT RequestId: ${requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(report.durationMs))} ms`,
    `Memory Size: ${report.memoryMb} MB`,
    ...(report.memoryUsedMb === undefined ? [] : [`Max Memory Used: ${report.memoryUsedMb} MB`]),
    ...(report.initDurationMs === undefined ? [] : [`Init Duration: ${report.initDurationMs.toFixed(2)} ms`]),
  ];
  const body = lines === '' || lines.endsWith('\n') ? lines : `${lines}\n`;
  const text = `START RequestId: ${requestId} Version: $LATEST\n${body}END RequestId: ${requestId}\n${fields.join('\t')}\t\n`;
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= LOG_TAIL_BYTES ? text : bytes.subarray(bytes.length - LOG_TAIL_BYTES).toString('utf8');
}
