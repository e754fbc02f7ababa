import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { functionArn, parseFunctionRef, type FunctionCode, type FunctionDefinition, type FunctionStore, type TagStore } from '@sluice/shared';
import { LambdaApiError, conflict, invalidParameter, notFound } from '../errors/lambda-api-error.js';
import type { ArnContext } from '../esm/mapping-wire.js';
import { functionInUseMessage } from '../functions/function-in-use-message.js';
import { invalidFunctionName, type FunctionResolver } from '../functions/function-resolver.js';
import { readZip, type CodeInput } from './code-source.js';
import { checkEnvironment } from './environment-rules.js';
import type { FunctionCodeStore } from './function-code-store.js';
import { revisionId } from './function-configuration-wire.js';
import { invokerForCode, runsOwnCode } from './lambda-handler.js';
import {
  ECHOED_MEMBERS,
  type CreateFunctionRequest,
  type EchoedSettings,
  type UpdateFunctionCodeRequest,
  type UpdateFunctionConfigurationRequest,
} from './lambda-function-schemas.js';
import { checkRuntime } from './lambda-runtimes.js';
import { ZipRefused } from './zip-archive.js';
import { TAGS_PER_RESOURCE, TagService } from '../tags/tag-service.js';

export interface LambdaFunctionServiceDeps {
  readonly store: FunctionStore;
  readonly resolver: FunctionResolver;
  readonly codes: FunctionCodeStore;
  /** Where CreateFunction's Tags go: the tags TagResource and ListTags see. */
  readonly tags: TagStore;
  readonly s3: S3Client;
  readonly arns: ArnContext;
  readonly now?: () => number;
}

/**
 * A default AWS account's concurrency (1,000) less the 100 Lambda keeps unreserved: the most one
 * function may reserve. Sluice checks each function on its own, not the account's sum.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
 */
const MAX_RESERVED_CONCURRENCY = 900;

/**
 * Lambda's function operations over Sluice's function registry: the same records the registry API
 * (/sluice/v1/functions) shows. A .zip is unpacked into the function's folder of SLUICE_FUNCTIONS_DIR
 * and a Node.js one runs in the local Node runtime; other code is kept as Lambda would keep it,
 * with no invoker until one is given. Lambda's checks answer in Lambda's sentences.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
 */
export class LambdaFunctionService {
  private readonly now: () => number;

  constructor(private readonly deps: LambdaFunctionServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(req: CreateFunctionRequest): Promise<FunctionDefinition> {
    const name = functionNameOf(req.FunctionName, this.deps.arns);
    const packageType = req.PackageType ?? 'Zip';
    if (req.Runtime !== undefined) checkRuntime(req.Runtime);
    if (packageType === 'Zip' && (req.Runtime === undefined || (req.Handler === undefined && !req.Runtime.startsWith('provided')))) {
      throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
    }
    if (req.Environment?.Variables !== undefined) checkEnvironment(req.Environment.Variables);
    if (req.Tags !== undefined) TagService.checkCount(req.Tags);
    const input = codeInput(req.Code, packageType, 'creating');
    if ((await this.deps.store.get(name)) !== undefined) throw conflict(`Function already exist: ${name}`);
    const stored = await this.storeCode(name, input);
    const code: FunctionCode = {
      packageType,
      ...(req.Runtime === undefined ? {} : { runtime: req.Runtime }),
      ...(req.Handler === undefined ? {} : { handler: req.Handler }),
      role: req.Role,
      ...stored,
      echoed: echoedOf(req, {}),
    };
    const fn: FunctionDefinition = {
      name,
      arn: functionArn(this.deps.arns.region, this.deps.arns.account, name),
      description: req.Description ?? '',
      invoker: invokerForCode(code),
      // Lambda's defaults: 3 s and 128 MB.
      timeout: req.Timeout ?? 3,
      memorySize: req.MemorySize ?? 128,
      lastModified: this.now(),
      ...(req.Environment === undefined ? {} : { environment: req.Environment.Variables ?? {} }),
      code,
    };
    if (!(await this.deps.store.create(fn))) {
      if (stored.codeDir !== undefined) await this.deps.codes.discard(stored.codeDir);
      throw conflict(`Function already exist: ${name}`);
    }
    if (req.Tags !== undefined && Object.keys(req.Tags).length > 0) await this.deps.tags.tag({ kind: 'function', name }, req.Tags, TAGS_PER_RESOURCE);
    return fn;
  }

  async updateCode(functionName: string, req: UpdateFunctionCodeRequest): Promise<FunctionDefinition> {
    const fn = await this.madeByLambda(functionName, 'UpdateFunctionCode');
    checkRevision(fn, req.RevisionId);
    const code = fn.code!;
    const input = codeInput(req, code.packageType, 'updating');
    const stored = await this.storeCode(fn.name, input);
    const nextCode: FunctionCode = { ...code, ...stored, echoed: echoedOf(req, code.echoed) };
    const next = this.withCode(fn, nextCode);
    if (req.DryRun === true) {
      // Checked (and unpacked, to know it unpacks), not applied.
      if (stored.codeDir !== undefined) await this.deps.codes.discard(stored.codeDir);
      return next;
    }
    await this.write(next, stored.codeDir);
    await this.deps.codes.prune(fn.name, [nextCode.codeDir, code.codeDir]);
    return next;
  }

  async updateConfiguration(functionName: string, req: UpdateFunctionConfigurationRequest): Promise<FunctionDefinition> {
    const { definition: fn } = await this.deps.resolver.resolve(functionName);
    checkRevision(fn, req.RevisionId);
    if (fn.code === undefined && (req.Runtime !== undefined || req.Handler !== undefined || req.Role !== undefined)) throw notMadeByLambda(fn, 'Runtime, Handler and Role');
    if (req.Runtime !== undefined) checkRuntime(req.Runtime);
    if (req.Environment?.Variables !== undefined) checkEnvironment(req.Environment.Variables);
    const code: FunctionCode | undefined =
      fn.code === undefined
        ? undefined
        : {
            ...fn.code,
            ...(req.Runtime === undefined ? {} : { runtime: req.Runtime }),
            ...(req.Handler === undefined ? {} : { handler: req.Handler }),
            ...(req.Role === undefined ? {} : { role: req.Role }),
            echoed: echoedOf(req, fn.code.echoed),
          };
    const changed: FunctionDefinition = {
      ...fn,
      ...(req.Description === undefined ? {} : { description: req.Description }),
      ...(req.Timeout === undefined ? {} : { timeout: req.Timeout }),
      ...(req.MemorySize === undefined ? {} : { memorySize: req.MemorySize }),
      // Lambda replaces the variables whole; an Environment without Variables clears them.
      ...(req.Environment === undefined ? {} : { environment: req.Environment.Variables ?? {} }),
    };
    const next = code === undefined ? { ...changed, lastModified: this.now() } : this.withCode(changed, code);
    await this.write(next, undefined);
    return next;
  }

  async putConcurrency(functionName: string, reserved: number): Promise<FunctionDefinition> {
    const { definition: fn } = await this.deps.resolver.resolve(functionName);
    if (reserved > MAX_RESERVED_CONCURRENCY) {
      throw invalidParameter("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].");
    }
    const next = { ...fn, reservedConcurrentExecutions: reserved, lastModified: this.now() };
    await this.write(next, undefined);
    return next;
  }

  async deleteConcurrency(functionName: string): Promise<void> {
    const { definition: fn } = await this.deps.resolver.resolve(functionName);
    const { reservedConcurrentExecutions: _dropped, ...rest } = fn;
    await this.write({ ...rest, lastModified: this.now() }, undefined);
  }

  async delete(functionName: string): Promise<void> {
    const { definition: fn, qualifier } = await this.deps.resolver.resolve(functionName);
    if (qualifier === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    const result = await this.deps.store.remove(fn.name);
    if (result.outcome === 'missing') throw notFound(`Function not found: ${fn.arn}`);
    // Sluice's rule, not Lambda's: a function still used by a mapping or an S3 binding stays.
    if (result.outcome === 'in-use') throw conflict(functionInUseMessage(fn.name, result.users));
    if (fn.code !== undefined) await this.deps.codes.remove(fn.name);
  }

  /** The function, when CreateFunction made it: only those have code to replace. */
  private async madeByLambda(functionName: string, operation: string): Promise<FunctionDefinition> {
    const { definition } = await this.deps.resolver.resolve(functionName);
    if (definition.code === undefined) throw notMadeByLambda(definition, operation);
    return definition;
  }

  /**
   * The definition with new code: its invoker follows the code (a new Handler is a new module),
   * unless it had been pointed elsewhere through the registry API, which stays.
   */
  private withCode(fn: FunctionDefinition, code: FunctionCode): FunctionDefinition {
    return { ...fn, code, invoker: runsOwnCode(fn) ? invokerForCode(code) : fn.invoker, lastModified: this.now() };
  }

  /** Replaces the record; the registry notifies workers, whose runtimes start new environments for it. */
  private async write(next: FunctionDefinition, newCodeDir: string | undefined): Promise<void> {
    if (await this.deps.store.update(next)) return;
    if (newCodeDir !== undefined) await this.deps.codes.discard(newCodeDir);
    throw notFound(`Function not found: ${next.arn}`);
  }

  /** The code's digest and size, and for a .zip the folder it was unpacked into. */
  private async storeCode(name: string, input: CodeInput): Promise<Pick<FunctionCode, 'codeSha256' | 'codeSize' | 'codeDir' | 'imageUri'>> {
    if (input.kind === 'image') {
      return { codeSha256: createHash('sha256').update(input.imageUri).digest('hex'), codeSize: 0, imageUri: input.imageUri };
    }
    const zip = await readZip(input, this.deps.s3);
    try {
      const codeDir = await this.deps.codes.unpack(name, zip);
      return { codeSha256: createHash('sha256').update(zip).digest('base64'), codeSize: zip.length, codeDir };
    } catch (error) {
      if (!(error instanceof ZipRefused)) throw error;
      // Lambda's sentences; which entry was refused, and why, is Sluice's detail.
      const message = error.tooLarge ? error.message : 'Could not unzip uploaded file. Please check your file, then try to upload again.';
      throw new LambdaApiError('InvalidParameterValueException', message, { extra: { SluiceDetail: error.message } });
    }
  }
}

/** CreateFunction's FunctionName: a name, or an ARN of this account and region without a qualifier. */
function functionNameOf(functionName: string, arns: ArnContext): string {
  const ref = parseFunctionRef(functionName);
  const foreign = ref !== undefined && ((ref.account !== undefined && ref.account !== arns.account) || (ref.region !== undefined && ref.region !== arns.region));
  if (ref === undefined || ref.qualifier !== undefined || foreign) throw invalidFunctionName(functionName);
  return ref.name;
}

/** Which code source a request names, in Lambda's words when it names none, several, or the wrong kind. */
function codeInput(
  code: { readonly ZipFile?: string; readonly S3Bucket?: string; readonly S3Key?: string; readonly S3ObjectVersion?: string; readonly ImageUri?: string },
  packageType: 'Zip' | 'Image',
  doing: 'creating' | 'updating',
): CodeInput {
  if (packageType === 'Image') {
    if (code.ImageUri === undefined) throw invalidParameter(`Please provide ImageUri when ${doing} a function with packageType Image.`);
    return { kind: 'image', imageUri: code.ImageUri };
  }
  if (code.ImageUri !== undefined) throw invalidParameter(`Please don't provide ImageUri when ${doing} a function with packageType Zip.`);
  if (code.ZipFile !== undefined) {
    if (code.S3Bucket !== undefined || code.S3Key !== undefined) throw invalidParameter('Please do not provide other FunctionCode parameters when providing a ZipFile.');
    return { kind: 'zip', base64: code.ZipFile };
  }
  if (code.S3Bucket !== undefined && code.S3Key !== undefined) {
    return { kind: 's3', bucket: code.S3Bucket, key: code.S3Key, ...(code.S3ObjectVersion === undefined ? {} : { version: code.S3ObjectVersion }) };
  }
  throw invalidParameter('Please provide a source for function code.');
}

/** The echoed members a request gives, over the ones kept. */
function echoedOf(req: Partial<EchoedSettings>, kept: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const given = Object.fromEntries(ECHOED_MEMBERS.filter((m) => req[m] !== undefined).map((m) => [m, req[m]]));
  return { ...kept, ...given };
}

/** RevisionId, when given, must be the function's current one (Lambda's optimistic lock). */
function checkRevision(fn: FunctionDefinition, given: string | undefined): void {
  if (given !== undefined && given !== revisionId(fn)) {
    throw new LambdaApiError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}

/** A Lambda operation on a function registered through /sluice/v1/functions, which has no Lambda code. */
function notMadeByLambda(fn: FunctionDefinition, what: string): LambdaApiError {
  return invalidParameter(`${what} cannot be used with function ${fn.name}: it was registered through /sluice/v1/functions, not created with CreateFunction.`);
}
