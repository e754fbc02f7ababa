/** What Lambda tags: a function (by its bare name) or an event source mapping (by its UUID). */
export type TaggedResource = { readonly kind: 'function'; readonly name: string } | { readonly kind: 'mapping'; readonly uuid: string };

export type Tags = Readonly<Record<string, string>>;

export type TagWriteResult = { readonly outcome: 'written' } | { readonly outcome: 'missing' } | { readonly outcome: 'over-limit'; readonly count: number };

/**
 * Tags of functions and mappings (TagResource, UntagResource, ListTags). Every write is checked
 * against the resource's existence and the per-resource limit in the same atomic step.
 * https://docs.aws.amazon.com/lambda/latest/dg/tagging.html
 */
export interface TagStore {
  /** The resource's tags, or undefined when it does not exist. */
  list(resource: TaggedResource): Promise<Tags | undefined>;
  /** Adds or overwrites tags; refused ('over-limit') when the resource would have more than `limit`. */
  tag(resource: TaggedResource, tags: Tags, limit: number): Promise<TagWriteResult>;
  /** Removes the keys it has of `keys`; keys it lacks are no fault. */
  untag(resource: TaggedResource, keys: readonly string[]): Promise<Exclude<TagWriteResult, { outcome: 'over-limit' }>>;
}
