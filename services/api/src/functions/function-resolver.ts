import { functionArn, parseFunctionRef, type FunctionDefinition, type FunctionStore } from '@sluice/shared';
import { notFound, validationException } from '../errors/lambda-api-error.js';
import type { ArnContext } from '../esm/mapping-wire.js';

export interface ResolvedFunction {
  readonly definition: FunctionDefinition;
  /** The ARN as the caller addressed it, qualifier included. */
  readonly arn: string;
  readonly qualifier?: string;
}

/**
 * Resolves a FunctionName as Lambda accepts it (name, partial ARN or ARN, with an optional
 * qualifier) against the function registry. Sluice has no published versions or aliases,
 * so the only qualifier that exists is $LATEST.
 */
export class FunctionResolver {
  constructor(
    private readonly store: Pick<FunctionStore, 'get'>,
    private readonly ctx: ArnContext,
  ) {}

  async resolve(functionName: string): Promise<ResolvedFunction> {
    const ref = parseFunctionRef(functionName);
    if (ref === undefined) throw invalidFunctionName(functionName);
    const arn = functionArn(this.ctx.region, this.ctx.account, ref.name, ref.qualifier);
    const foreign = (ref.account !== undefined && ref.account !== this.ctx.account) || (ref.region !== undefined && ref.region !== this.ctx.region);
    const definition = foreign ? undefined : await this.store.get(ref.name);
    if (definition === undefined || (ref.qualifier !== undefined && ref.qualifier !== '$LATEST')) {
      throw notFound(`Function not found: ${foreign ? functionName : arn}`);
    }
    return { definition, arn, ...(ref.qualifier === undefined ? {} : { qualifier: ref.qualifier }) };
  }
}

/** AWS's validation sentence for a FunctionName that is no name, partial ARN or ARN: a model constraint, so the framework's ValidationException. */
export function invalidFunctionName(functionName: string) {
  return validationException(
    `1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
  );
}
