import type { SourceProfile } from '@sluice/shared';
import { MAPPING_MEMBERS } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import type { CreateMappingRequest, UpdateMappingRequest } from '../mapping-request-schemas.js';

/**
 * Refuses a request member the source kind does not take (StartingPosition on an SQS queue,
 * ScalingConfig on a stream, ...), in Lambda's words, before Lambda's other rules (after the model's
 * own constraints, which the request schema checks).
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
export function refuseUnsupportedMembers(req: CreateMappingRequest | UpdateMappingRequest, profile: SourceProfile): void {
  const given = req as Readonly<Record<string, unknown>>;
  const refused = MAPPING_MEMBERS.find((member) => given[member] !== undefined && !profile.members.has(member));
  if (refused !== undefined) {
    throw invalidParameter(profile.refusedMemberMessage?.(refused) ?? unsupportedMemberMessage(refused), `a ${profile.title} mapping does not take ${refused}`);
  }
}

/**
 * Lambda's generic sentence for a member the mapping's source type has no use for, with the member
 * in lower camel case, as AWS answered it for an MSK mapping ("Unsupported
 * 'maximumBatchingWindowInSeconds' parameter for given event source mapping type.",
 * pulumi/pulumi-aws#1418). No answer for an SQS queue (stream members) or a stream (ScalingConfig)
 * was found recorded: that Lambda words those the same way is inferred.
 */
export function unsupportedMemberMessage(member: string): string {
  return `Unsupported '${member.charAt(0).toLowerCase()}${member.slice(1)}' parameter for given event source mapping type.`;
}
