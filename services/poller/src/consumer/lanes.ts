/**
 * With ParallelizationFactor N, a shard's records go to N lanes by partition key, so records of one
 * key stay in order while up to N batches of the shard run at once.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-parallelization
 * FNV-1a: stable across processes and restarts, which a lane's deterministic job ids need.
 */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i += 1) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % lanes;
}
