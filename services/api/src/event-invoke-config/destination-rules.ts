import { parseFunctionRef, type FunctionStore } from '@sluice/shared';
import { invalidParameter, validationException, type LambdaApiError } from '../errors/lambda-api-error.js';
import type { ArnContext } from '../esm/mapping-wire.js';

/** Lambda's pattern for DestinationConfig ARNs (an empty string means none). */
const ARN_PATTERN = '^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const ARN = new RegExp(ARN_PATTERN);

/** The targets Sluice delivers asynchronous invocation records to (shared/src/destinations). */
const QUEUE_OR_TOPIC = /^arn:aws[a-zA-Z-]*:(sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/;
const BUCKET = /^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface Destinations {
  readonly onSuccess?: string;
  readonly onFailure?: string;
}

/**
 * Checks an event-invoke-config's destinations as Lambda does, for the targets Sluice delivers to:
 * an SQS queue, an SNS topic, another function of this Sluice (invoked asynchronously with the
 * record), and for OnFailure only an S3 bucket. EventBridge buses and anything else are refused.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
export async function checkDestinations(
  destinations: Destinations,
  ctx: { readonly functionName: string; readonly arns: ArnContext; readonly functions: Pick<FunctionStore, 'get'> },
): Promise<void> {
  for (const [member, arn] of [
    ['onSuccess', destinations.onSuccess],
    ['onFailure', destinations.onFailure],
  ] as const) {
    if (arn === undefined) continue;
    if (!ARN.test(arn)) {
      throw validationException(
        `1 validation error detected: Value '${arn}' at 'destinationConfig.${member}.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ARN_PATTERN}`,
      );
    }
    const service = arn.split(':')[2];
    if (service === 'lambda') await checkFunctionDestination(arn, ctx);
    else if (service === 'events') throw invalidConfig(destinations, 'Sluice does not deliver to EventBridge event buses.');
    else if (service === 's3' && member === 'onSuccess') throw invalidConfig(destinations, 'S3 buckets are supported only for on-failure destinations.');
    else if (!QUEUE_OR_TOPIC.test(arn) && !BUCKET.test(arn)) throw invalidConfig(destinations, 'Destinations are SQS queues, SNS topics, functions and (OnFailure) S3 buckets.');
  }
}

/** A function destination is another function registered in this Sluice (its region and account), never itself. */
async function checkFunctionDestination(
  arn: string,
  ctx: { readonly functionName: string; readonly arns: ArnContext; readonly functions: Pick<FunctionStore, 'get'> },
): Promise<void> {
  const ref = parseFunctionRef(arn);
  const ours = ref !== undefined && ref.region === ctx.arns.region && ref.account === ctx.arns.account;
  if (!ours || (ref.qualifier !== undefined && ref.qualifier !== '$LATEST') || (await ctx.functions.get(ref.name)) === undefined) {
    throw invalidParameter(`The destination ARN ${arn} is invalid.`);
  }
  if (ref.name === ctx.functionName) throw invalidParameter("You can't specify the function as a destination for itself.");
}

/** Lambda's sentence for a destination it does not take; Sluice's reason is the detail. */
function invalidConfig(destinations: Destinations, reason: string): LambdaApiError {
  const part = (name: string, arn: string | undefined) => (arn === undefined ? 'null' : `${name}(destination=${arn})`);
  return invalidParameter(
    `The provided destination config DestinationConfig(onSuccess=${part('OnSuccess', destinations.onSuccess)}, onFailure=${part('OnFailure', destinations.onFailure)}) is invalid.`,
    reason,
  );
}
