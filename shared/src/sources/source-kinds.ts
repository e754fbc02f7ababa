import { dynamodbProfile } from './dynamodb-profile.js';
import { kinesisConsumerProfile } from './kinesis-consumer-profile.js';
import { kinesisProfile } from './kinesis-profile.js';
import type { QueueSourceProfile, SourceArnParts, SourceModel, StreamSourceProfile } from './source-profile.js';
import { sqsProfile } from './sqs-profile.js';

/**
 * Every source kind Sluice maps, each defined once by its profile. A new kind is one more entry
 * here (and its profile, records and reader): everything that branches on a kind switches over
 * this registry's keys, so the compiler names each place that must learn the new one
 * (docs/adding-a-source-kind.md).
 */
export const SOURCE_PROFILES = {
  kinesis: kinesisProfile,
  'kinesis-consumer': kinesisConsumerProfile,
  dynamodb: dynamodbProfile,
  sqs: sqsProfile,
} as const;

export type SourceKind = keyof typeof SOURCE_PROFILES;

/** The kinds of one model. */
type KindsOf<M extends SourceModel> = { [K in SourceKind]: (typeof SOURCE_PROFILES)[K]['model'] extends M ? K : never }[SourceKind];
export type StreamSourceKind = KindsOf<'stream'>;
export type QueueSourceKind = KindsOf<'queue'>;

/** Every kind, in the registry's order: the zod enums of job payloads and requests come from it. */
export const SOURCE_KINDS = Object.keys(SOURCE_PROFILES) as [SourceKind, ...SourceKind[]];
export const STREAM_SOURCE_KINDS = SOURCE_KINDS.filter((k) => SOURCE_PROFILES[k].model === 'stream') as [StreamSourceKind, ...StreamSourceKind[]];
export const QUEUE_SOURCE_KINDS = SOURCE_KINDS.filter((k) => SOURCE_PROFILES[k].model === 'queue') as [QueueSourceKind, ...QueueSourceKind[]];

export function sourceProfile<K extends SourceKind>(kind: K): (typeof SOURCE_PROFILES)[K] {
  return SOURCE_PROFILES[kind];
}

export function streamProfile(kind: StreamSourceKind): StreamSourceProfile<StreamSourceKind> {
  return SOURCE_PROFILES[kind];
}

export function queueProfile(kind: QueueSourceKind): QueueSourceProfile<QueueSourceKind> {
  return SOURCE_PROFILES[kind];
}

export function isStreamKind(kind: SourceKind): kind is StreamSourceKind {
  return SOURCE_PROFILES[kind].model === 'stream';
}

/** A source ARN Lambda accepts, parsed once by the profile of its kind. */
export interface SourceArn extends SourceArnParts {
  readonly arn: string;
  readonly kind: SourceKind;
}

/** A source ARN of a stream kind. */
export type StreamSourceArn = SourceArn & { readonly kind: StreamSourceKind };
/** A source ARN of a queue kind. */
export type QueueSourceArn = SourceArn & { readonly kind: QueueSourceKind };

/** Parses an event source ARN, or returns undefined when it is not one Sluice can read. */
export function parseSourceArn(arn: string): SourceArn | undefined {
  for (const kind of SOURCE_KINDS) {
    const parts = SOURCE_PROFILES[kind].parseArn(arn);
    if (parts !== undefined) return { arn, kind, ...parts };
  }
  return undefined;
}
