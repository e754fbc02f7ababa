/**
 * Lambda function names as the API accepts them: a bare name, a partial ARN
 * (`123456789012:function:name`) or a full ARN, each optionally with `:qualifier`.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html#lambda-CreateEventSourceMapping-request-FunctionName
 */
export interface FunctionRef {
  readonly name: string;
  readonly qualifier?: string;
  readonly account?: string;
  readonly region?: string;
}

const FUNCTION_REF =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Bare names are limited to 64 characters, like Lambda's. */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export function parseFunctionRef(value: string): FunctionRef | undefined {
  const m = FUNCTION_REF.exec(value);
  if (!m) return undefined;
  const [, region, account, name, qualifier] = m;
  if (!name || name.length > 64) return undefined;
  // "acct:name" without "function:" is not a form Lambda accepts.
  if (account !== undefined && region === undefined && !value.includes(':function:')) return undefined;
  return {
    name,
    ...(qualifier === undefined ? {} : { qualifier }),
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
  };
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
}

export function eventSourceMappingArn(region: string, account: string, uuid: string): string {
  return `arn:aws:lambda:${region}:${account}:event-source-mapping:${uuid}`;
}
