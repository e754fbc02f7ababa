import type { IncomingHttpHeaders } from 'node:http';
import { invalidParameter, validationException } from '../errors/lambda-api-error.js';

/** https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax */
export const INVOCATION_TYPES = ['Event', 'RequestResponse', 'DryRun'] as const;
export type InvocationType = (typeof INVOCATION_TYPES)[number];

const LOG_TYPES = ['None', 'Tail'] as const;
export type LogType = (typeof LOG_TYPES)[number];

/** ClientContext: "up to 3,583 bytes of base64-encoded data" (API_Invoke). */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;

export interface InvocationOptions {
  readonly invocationType: InvocationType;
  readonly logType: LogType;
}

/**
 * The Invoke API's request headers: X-Amz-Invocation-Type (RequestResponse by default), X-Amz-Log-Type
 * (None by default; Tail only matters for RequestResponse) and X-Amz-Client-Context, checked for size
 * only: Sluice's invokers have no client context to hand a function.
 */
export function invocationOptions(headers: IncomingHttpHeaders): InvocationOptions {
  const invocationType = oneOf(headers['x-amz-invocation-type'], INVOCATION_TYPES, 'invocationType') ?? 'RequestResponse';
  const logType = oneOf(headers['x-amz-log-type'], LOG_TYPES, 'logType') ?? 'None';
  const clientContext = headers['x-amz-client-context'];
  if (typeof clientContext === 'string' && Buffer.byteLength(clientContext) > MAX_CLIENT_CONTEXT_BYTES) {
    throw invalidParameter(`Client context must be ${MAX_CLIENT_CONTEXT_BYTES} bytes of base64-encoded data or less.`);
  }
  return { invocationType, logType };
}

function oneOf<T extends string>(value: string | string[] | undefined, allowed: readonly T[], member: string): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  // The headers' enums are the model's (InvocationType, LogType): the framework's ValidationException.
  throw validationException(
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}
