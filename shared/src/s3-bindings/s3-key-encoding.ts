/**
 * S3 event records carry object keys URL-encoded, form style: "red flower.jpg" arrives as
 * "red+flower.jpg" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 * Functions decode with unquote_plus / decodeURIComponent after replacing '+'.
 */

/** The key as stored, from the key as an event record carries it. Malformed escapes are kept as they are. */
export function decodeS3EventKey(encoded: string): string {
  const spaced = encoded.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * The key as AWS writes it in an event record: form URL-encoding (space as '+', everything but
 * A-Z a-z 0-9 - _ . * and '/' percent-encoded as UTF-8). '/' stays, as in AWS's own examples
 * ("uploads/red+flower.jpg"); some emulators (moto) encode it as %2F, which is normalised here.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/gi, '/')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
