import { invalidParameter } from '../errors/lambda-api-error.js';

/**
 * Runtimes Lambda still creates functions with, as its enum refusal lists them
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). AWS's own list comes in an
 * order of its own; this one is newest first.
 */
export const SUPPORTED_RUNTIMES: readonly string[] = [
  'nodejs24.x', 'nodejs22.x', 'nodejs20.x',
  'python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10',
  'java25', 'java21', 'java17', 'java11', 'java8.al2',
  'dotnet10', 'dotnet8',
  'ruby3.4', 'ruby3.3', 'ruby3.2',
  'provided.al2023', 'provided.al2',
];

/**
 * Runtimes in Lambda's model that are past their "block function create" date
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated): Lambda
 * refuses them by name on CreateFunction and UpdateFunctionConfiguration.
 */
const DEPRECATED_RUNTIMES: ReadonlySet<string> = new Set([
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x', 'nodejs16.x', 'nodejs18.x',
  'python2.7', 'python3.6', 'python3.7', 'python3.8', 'python3.9',
  'java8', 'dotnetcore1.0', 'dotnetcore2.0', 'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'dotnet7',
  'ruby2.5', 'ruby2.7', 'go1.x', 'provided',
]);

/** The newest Node.js runtime, the one Lambda's refusal of an old Node.js runtime recommends. */
const NEWEST_NODE = 'nodejs24.x';

/** Whether Sluice runs this runtime's code itself, in its local Node runtime. */
export function runsLocally(runtime: string | undefined): boolean {
  return runtime !== undefined && /^nodejs\d+\.x$/.test(runtime) && SUPPORTED_RUNTIMES.includes(runtime);
}

/**
 * Lambda's refusals of a Runtime: one it no longer creates functions with (its recorded sentence,
 * recommending the newest Node.js for an old Node.js), and one it does not know at all (the
 * sentence AWS answers, recorded in LocalStack's test_lambda_api.snapshot.json, with the list above).
 */
export function checkRuntime(runtime: string): void {
  if (DEPRECATED_RUNTIMES.has(runtime)) {
    const advice = runtime.startsWith('nodejs') ? `the new runtime (${NEWEST_NODE})` : 'a supported runtime';
    throw invalidParameter(`The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use ${advice} while creating or updating functions.`);
  }
  if (!SUPPORTED_RUNTIMES.includes(runtime)) {
    throw invalidParameter(`Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(', ')}] or be a valid ARN`);
  }
}
