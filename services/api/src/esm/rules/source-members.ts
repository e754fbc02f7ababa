import type { SourceProfile } from '@sluice/shared';
import { MAPPING_MEMBERS } from '@sluice/shared';
import { invalidParameter } from '../../errors/lambda-api-error.js';
import type { CreateMappingRequest, UpdateMappingRequest } from '../mapping-request-schemas.js';

/**
 * Refuses a request member the source kind does not take (StartingPosition on an SQS queue,
 * ScalingConfig on a stream, ...), in Lambda's words, before anything else is checked.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
export function refuseUnsupportedMembers(req: CreateMappingRequest | UpdateMappingRequest, profile: SourceProfile): void {
  const given = req as Readonly<Record<string, unknown>>;
  const refused = MAPPING_MEMBERS.find((member) => given[member] !== undefined && !profile.members.has(member));
  if (refused !== undefined) throw invalidParameter(profile.refusedMemberMessage?.(refused) ?? unsupportedMemberMessage(refused));
}

/**
 * Lambda's generic sentence for a member the mapping's source type has no use for, with the member
 * in lower camel case as AWS writes it for Kafka sources ("Unsupported 'maximumBatchingWindowInSeconds'
 * parameter for given event source mapping type."; no recording for SQS or streams was found).
 */
export function unsupportedMemberMessage(member: string): string {
  return `Unsupported '${member.charAt(0).toLowerCase()}${member.slice(1)}' parameter for given event source mapping type.`;
}
