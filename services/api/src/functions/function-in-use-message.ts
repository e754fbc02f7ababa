import type { FunctionUsers } from '@sluice/shared';

/** "2 S3 bindings (a, b)": the count, and the ids the registry returned (at most 5; "..." when there are more). */
function describe(count: number, ids: readonly string[], singular: string, plural: string): string {
  const more = count > ids.length ? ', ...' : '';
  return `${count} ${count === 1 ? singular : plural} (${ids.join(', ')}${more})`;
}

/**
 * The message of the 409 that refuses to delete a function still in use: it names what uses it, so
 * the caller knows what to delete first. This is Sluice's rule, not Lambda's: Lambda's DeleteFunction
 * removes neither the function's event source mappings nor the triggers configured in other services
 * (https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html), which then fail to invoke.
 */
export function functionInUseMessage(name: string, users: FunctionUsers): string {
  const parts: string[] = [];
  if (users.mappingCount > 0) parts.push(describe(users.mappingCount, users.mappingUuids, 'event source mapping', 'event source mappings'));
  if (users.s3BindingCount > 0) parts.push(describe(users.s3BindingCount, users.s3BindingIds, 'S3 binding', 'S3 bindings'));
  return `Function ${name} is used by ${parts.join(' and ')}; delete ${users.mappingCount + users.s3BindingCount === 1 ? 'it' : 'them'} first.`;
}
