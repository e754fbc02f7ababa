import { createHash } from 'node:crypto';
import type { FunctionDefinition } from '@sluice/shared';
import { invokerWire } from '../functions/function-wire.js';
import { runsOwnCode } from './lambda-handler.js';

/**
 * A registry function as Lambda's FunctionConfiguration
 * (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html), in the members
 * and order AWS answers (recorded in LocalStack's test_lambda_api.snapshot.json). Sluice makes
 * functions at once, so State is always Active and LastUpdateStatus Successful (AWS answers a
 * create with Pending first). Functions not made through CreateFunction have no Runtime, Handler,
 * Role or code; they, and any function whose invoker is not its own code's, carry `SluiceInvoker`
 * (how Sluice calls it), and one Sluice cannot run carries `SluiceDetail` saying what to do: our
 * members beside AWS's, never in them.
 */
export function functionConfiguration(fn: FunctionDefinition) {
  const code = fn.code;
  const echoed = code?.echoed ?? {};
  return {
    Architectures: echoed.Architectures ?? ['x86_64'],
    ...(code === undefined ? {} : { CodeSha256: code.codeSha256 }),
    CodeSize: code?.codeSize ?? 0,
    Description: fn.description,
    ...(fn.environment === undefined ? {} : { Environment: { Variables: fn.environment } }),
    EphemeralStorage: echoed.EphemeralStorage ?? { Size: 512 },
    FunctionArn: fn.arn,
    FunctionName: fn.name,
    ...(code?.handler === undefined ? {} : { Handler: code.handler }),
    LastModified: new Date(fn.lastModified).toISOString().replace('Z', '+0000'),
    LastUpdateStatus: 'Successful',
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${fn.name}`, ...(echoed.LoggingConfig as object | undefined) },
    MemorySize: fn.memorySize,
    PackageType: code?.packageType ?? 'Zip',
    RevisionId: revisionId(fn),
    ...(code === undefined ? {} : { Role: code.role }),
    ...(code?.runtime === undefined ? {} : { Runtime: code.runtime }),
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    State: 'Active',
    Timeout: fn.timeout,
    TracingConfig: { Mode: 'PassThrough', ...(echoed.TracingConfig as object | undefined) },
    Version: '$LATEST',
    ...sluiceMembers(fn),
  };
}

/** ListFunctions leaves out the state members (as AWS does; LocalStack's map_to_list_response). */
export function listedConfiguration(fn: FunctionDefinition) {
  const { State: _state, LastUpdateStatus: _update, ...listed } = functionConfiguration(fn);
  return listed;
}

/**
 * GetFunction's answer: the configuration, where the code lives (RepositoryType S3 for a .zip,
 * ECR with the image for an image), and the reserved concurrency when there is one. Sluice serves no
 * download URL for the code, so Code.Location is absent.
 * https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
 */
export function getFunctionResponse(fn: FunctionDefinition, tags: Readonly<Record<string, string>> = {}) {
  const code = fn.code;
  const location =
    code === undefined ? undefined : code.packageType === 'Image' ? { RepositoryType: 'ECR', ImageUri: code.imageUri, ResolvedImageUri: `${imageRepository(code.imageUri ?? '')}@sha256:${code.codeSha256}` } : { RepositoryType: 'S3' };
  return {
    Configuration: functionConfiguration(fn),
    ...(location === undefined ? {} : { Code: location }),
    // Tags only when there are some, as AWS answers.
    ...(Object.keys(tags).length === 0 ? {} : { Tags: tags }),
    ...(fn.reservedConcurrentExecutions === undefined ? {} : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrentExecutions } }),
  };
}

/** Changes with every change of the definition, and only then: a UUID-shaped digest of it. */
export function revisionId(fn: FunctionDefinition): string {
  const hex = createHash('sha256').update(JSON.stringify(fn)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function sluiceMembers(fn: FunctionDefinition): { SluiceInvoker?: ReturnType<typeof invokerWire>; SluiceDetail?: string } {
  if (runsOwnCode(fn) && fn.invoker.type !== 'none') return {};
  return { SluiceInvoker: invokerWire(fn.invoker), ...(fn.invoker.type === 'none' ? { SluiceDetail: unrunnableDetail(fn) } : {}) };
}

/** What to do with a function Sluice cannot run itself: point it at an endpoint that runs it. */
export function unrunnableDetail(fn: FunctionDefinition): string {
  const what = fn.code?.packageType === 'Image' ? 'container images' : `${fn.code?.runtime ?? 'this runtime'} code`;
  return (
    `Sluice runs nodejs* .zip functions itself, not ${what}. Run the code behind an HTTP endpoint (for an AWS base image or a function image, the Runtime Interface Emulator: ` +
    `docker run -p 9000:8080 <image>) and point the function at it: PUT /sluice/v1/functions/${fn.name} with ` +
    `{"Invoker":{"Type":"http","Url":"http://127.0.0.1:9000/2015-03-31/functions/function/invocations"}}. Until then invocations fail and mappings wait.`
  );
}

function imageRepository(uri: string): string {
  const at = uri.search(/[:@][^/]*$/);
  return at === -1 ? uri : uri.slice(0, at);
}
