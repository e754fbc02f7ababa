import { parseFunctionRef, type TagStore, type TaggedResource, type Tags } from '@sluice/shared';
import { invalidParameter, notFound, validationException } from '../errors/lambda-api-error.js';
import type { ArnContext } from '../esm/mapping-wire.js';

/** Lambda's quota: 50 tags per resource. https://docs.aws.amazon.com/lambda/latest/dg/tagging.html */
export const TAGS_PER_RESOURCE = 50;

/** The model's TaggableResource pattern (botocore lambda/2015-03-31/service-2.json): checked by the framework. */
const TAGGABLE_PATTERN =
  'arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|(capacity-provider|network-connector):[a-zA-Z0-9-_]{1,64})';
const TAGGABLE = new RegExp(`^(?:${TAGGABLE_PATTERN})$`);
const MAPPING_ARN = /^arn:[^:]+:lambda:([^:]+):(\d{12}):event-source-mapping:([0-9a-fA-F-]{36})$/;

/**
 * Lambda's tagging operations over the tag store, for the two resources Sluice has: functions
 * (by their unqualified ARN) and event source mappings (by their EventSourceMappingArn).
 * https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
 */
export class TagService {
  constructor(
    private readonly store: TagStore,
    private readonly arns: ArnContext,
  ) {}

  async list(arn: string): Promise<Tags> {
    const resource = this.resource(arn);
    const tags = await this.store.list(resource);
    if (tags === undefined) throw this.missing(arn, resource);
    return tags;
  }

  async tag(arn: string, tags: Tags): Promise<void> {
    const resource = this.resource(arn);
    const result = await this.store.tag(resource, tags, TAGS_PER_RESOURCE);
    if (result.outcome === 'missing') throw this.missing(arn, resource);
    if (result.outcome === 'over-limit') throw tooManyTags(result.count);
  }

  /** Tags for a resource being created: refused whole when there are more than the quota. */
  static checkCount(tags: Tags): void {
    const count = Object.keys(tags).length;
    if (count > TAGS_PER_RESOURCE) throw tooManyTags(count);
  }

  async untag(arn: string, keys: readonly string[]): Promise<void> {
    const resource = this.resource(arn);
    if ((await this.store.untag(resource, keys)).outcome === 'missing') throw this.missing(arn, resource);
  }

  /**
   * The resource an ARN names. Outside the model's pattern it is the framework's ValidationException;
   * a function's version or alias cannot be tagged (LocalStack's sentence, inferred for AWS); a
   * resource of a kind Sluice has none of (code signing configs, capacity providers), or of another
   * region or account, is not found.
   */
  private resource(arn: string): TaggedResource {
    if (!TAGGABLE.test(arn)) {
      throw validationException(`1 validation error detected: Value '${arn}' at 'resource' failed to satisfy constraint: Member must satisfy regular expression pattern: ${TAGGABLE_PATTERN}`);
    }
    const mapping = MAPPING_ARN.exec(arn);
    if (mapping !== null) return this.ours(mapping[1]!, mapping[2]!) ? { kind: 'mapping', uuid: mapping[3]!.toLowerCase() } : this.unknown(arn);
    const fn = arn.includes(':function:') ? parseFunctionRef(arn) : undefined;
    if (fn === undefined) throw notFound('The resource you requested does not exist.', `Sluice tags functions and event source mappings only: ${arn}`);
    if (fn.qualifier !== undefined) {
      throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.', `${arn} names the qualifier ${fn.qualifier}`);
    }
    return this.ours(fn.region ?? '', fn.account ?? '') ? { kind: 'function', name: fn.name } : this.unknown(arn);
  }

  private ours(region: string, account: string): boolean {
    return region === this.arns.region && account === this.arns.account;
  }

  private unknown(arn: string): never {
    throw notFound('The resource you requested does not exist.', `${arn} is not in this Sluice's region ${this.arns.region} and account ${this.arns.account}`);
  }

  /**
   * A function that does not exist answers as every function operation does, "Function not found:
   * <arn>" (recorded on AWS for GetPolicy and AddPermission: LocalStack's
   * tests/aws/services/lambda_/test_lambda_api.snapshot.json; its tag test asserts the same 404); a
   * mapping as GetEventSourceMapping of an unknown UUID does.
   */
  private missing(arn: string, resource: TaggedResource) {
    return resource.kind === 'function' ? notFound(`Function not found: ${arn}`) : notFound('The resource you requested does not exist.', `no event source mapping ${resource.uuid}`);
  }
}

/** LocalStack's sentence for the quota (its provider; not found recorded on AWS): inferred. */
function tooManyTags(count: number) {
  return invalidParameter('Number of tags exceeds resource tag limit.', `the resource would have ${count} tags; Lambda allows ${TAGS_PER_RESOURCE}`);
}
