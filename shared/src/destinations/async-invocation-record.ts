import { jsonDepthExceeds } from '../json/json-depth.js';

/**
 * Why Lambda stopped working on an asynchronous event, or `Success`. `ZeroReservedConcurrency` is
 * what Lambda reports for an event of a function whose reserved concurrency is 0 (sent to
 * OnFailure at once, never invoked).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export type AsyncInvocationCondition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

/** The last invocation's answer, when the function ran at least once. */
export interface AsyncInvocationResponse {
  readonly statusCode: number;
  readonly functionError?: string;
  /** The function's response body as text ('' when it answered nothing). */
  readonly payload: string;
}

export interface AsyncInvocationRecordInput {
  /** The event's request id (the one the function saw as its own on every attempt). */
  readonly requestId: string;
  /** The function's unqualified ARN; the record names it with its qualifier. */
  readonly functionArn: string;
  readonly qualifier: string;
  readonly condition: AsyncInvocationCondition;
  /** Invocations made (throttled attempts and attempts that never reached the function excluded). */
  readonly approximateInvokeCount: number;
  /** The event as queued (JSON text). */
  readonly requestPayload: string;
  /** The last invocation's answer; absent when the function never ran. */
  readonly response?: AsyncInvocationResponse;
  /** When Lambda gave up or succeeded, epoch ms. */
  readonly timestampMs: number;
}

/**
 * Lambda's invocation record for asynchronous destinations, in AWS's key order. Recorded on AWS
 * (LocalStack's test_lambda_destinations snapshots): Success carries responseContext without
 * functionError; RetriesExhausted and EventAgeExceeded carry the last failed invocation's
 * responseContext and responsePayload; an event that never ran (too old before its first
 * attempt, or ZeroReservedConcurrency) has neither.
 */
export interface AsyncInvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: AsyncInvocationCondition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext?: { readonly statusCode: number; readonly executedVersion: string; readonly functionError?: string };
  readonly responsePayload?: unknown;
}

/** Sluice has no published versions: every invocation runs $LATEST. */
const EXECUTED_VERSION = '$LATEST';

/**
 * Builds the record Lambda sends to OnSuccess / OnFailure after an asynchronous invocation
 * (aws-facts 2.5). Payloads are parsed JSON, as Lambda embeds them; a body that is not JSON is
 * kept as a string, and an empty body is null.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export function buildAsyncInvocationRecord(input: AsyncInvocationRecordInput): AsyncInvocationRecord {
  const response = input.response;
  return {
    version: '1.0',
    timestamp: new Date(input.timestampMs).toISOString(),
    requestContext: {
      requestId: input.requestId,
      functionArn: `${input.functionArn}:${input.qualifier}`,
      condition: input.condition,
      approximateInvokeCount: input.approximateInvokeCount,
    },
    requestPayload: parseJsonText(input.requestPayload),
    ...(response === undefined
      ? {}
      : {
          responseContext: {
            statusCode: response.statusCode,
            executedVersion: EXECUTED_VERSION,
            ...(response.functionError === undefined ? {} : { functionError: response.functionError }),
          },
          responsePayload: parseJsonText(response.payload),
        }),
  };
}

/**
 * JSON text as a value; '' is null (a function that returned nothing), non-JSON stays text. So
 * does JSON nested deeper than MAX_JSON_DEPTH (a function's answer, or an event queued before the
 * edges refused such payloads): as a value, JSON.stringify of the record would overflow the stack.
 */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') return null;
  if (jsonDepthExceeds(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Where an S3 on-failure destination stores an asynchronous invocation record. AWS documents no
 * layout for these, so Sluice mirrors the stream layout:
 * `aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<deliveryId>` (UTC, the record's
 * timestamp). The deliveryId is fixed before the first attempt, so a retried delivery overwrites.
 */
export function asyncFailureObjectKey(functionName: string, timestampMs: number, deliveryId: string): string {
  const iso = new Date(timestampMs).toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(':', '.');
  return `aws/lambda/async/${functionName}/${day.replaceAll('-', '/')}/${day}T${time}-${deliveryId}`;
}
