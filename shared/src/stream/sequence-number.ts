/**
 * Kinesis and DynamoDB sequence numbers are decimal strings up to 128 bits: compare as BigInt.
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_Record.html
 */
export function compareSequenceNumbers(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isAfter(a: string, b: string): boolean {
  return compareSequenceNumbers(a, b) > 0;
}
