/**
 * S3's object key name filter: at most one prefix and one suffix rule, matched against the key as
 * stored (not URL-encoded). Rules may not overlap for a common event type on one bucket.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
 */
export interface S3KeyFilter {
  readonly prefix?: string;
  readonly suffix?: string;
}

export function keyMatches(filter: S3KeyFilter, key: string): boolean {
  return (filter.prefix === undefined || key.startsWith(filter.prefix)) && (filter.suffix === undefined || key.endsWith(filter.suffix));
}

/** Two prefixes overlap when one string can begin with both; an absent prefix overlaps every prefix. */
export function prefixesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.startsWith(b) || b.startsWith(a);
}

/** Two suffixes overlap when one string can end with both (`jpg` and `pg`); an absent one overlaps every suffix. */
export function suffixesOverlap(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.endsWith(b) || b.endsWith(a);
}

/** Whether one key could match both filters: S3 refuses such rules for a common event type. */
export function keyFiltersOverlap(a: S3KeyFilter, b: S3KeyFilter): boolean {
  return prefixesOverlap(a.prefix, b.prefix) && suffixesOverlap(a.suffix, b.suffix);
}

export function isEmptyFilter(filter: S3KeyFilter): boolean {
  return filter.prefix === undefined && filter.suffix === undefined;
}
