import { z } from 'zod';
import { parseRedisTarget } from '../redis/redis-target.js';
import { parseEnv } from './parse-env.js';

/**
 * Every environment variable Sluice reads, parsed once at boot.
 * AWS names are the ones the AWS SDK and CLI already use, so a user's shell setup carries over.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
const optionalUrl = z.url().optional();
const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const boolFromEnv = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
// "60000,120000": comma-separated milliseconds, at least one.
const msList = z
  .string()
  .regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, 'must be comma-separated milliseconds, e.g. 60000,120000')
  .transform((v) => v.split(',').map((ms) => Number(ms.trim())));

export const envSchema = z.object({
  // One server, a Cluster or a Sentinel-watched master, told apart by the URL's form (redis-target.ts).
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .transform((url, ctx) => {
      const target = parseRedisTarget(url);
      if (!('error' in target)) return target;
      ctx.addIssue({ code: 'custom', message: target.error });
      return z.NEVER;
    }),
  AWS_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must look like us-east-1').default('us-east-1'),
  AWS_ENDPOINT_URL: optionalUrl,
  AWS_ENDPOINT_URL_KINESIS: optionalUrl,
  AWS_ENDPOINT_URL_DYNAMODB: optionalUrl,
  AWS_ENDPOINT_URL_DYNAMODB_STREAMS: optionalUrl,
  AWS_ENDPOINT_URL_LAMBDA: optionalUrl,
  AWS_ENDPOINT_URL_S3: optionalUrl,
  AWS_ENDPOINT_URL_SNS: optionalUrl,
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  // Loopback by default: the management API is not meant to face a network unprotected.
  SLUICE_HOST: z.string().min(1).default('127.0.0.1'),
  SLUICE_PORT: intFromEnv(0, 65535).default(9070),
  // When set, every management call must carry it (see services/api/src/auth).
  SLUICE_API_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  // Several installations can share one Redis when each has its own prefix.
  SLUICE_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 _ . : -').default('sluice'),
  // The account id written into ARNs Sluice makes up (functions, mappings); LocalStack uses the same.
  SLUICE_ACCOUNT_ID: z.string().regex(/^\d{12}$/, 'must be 12 digits').default('000000000000'),
  SLUICE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Lambda's mapping states move asynchronously (Creating -> Enabled takes seconds on AWS); this is ours.
  SLUICE_STATE_SETTLE_MS: intFromEnv(0, 600_000).default(500),
  // Management bodies are small; Lambda's own request limit for these APIs is far below this.
  SLUICE_API_BODY_LIMIT_BYTES: intFromEnv(1024, 64 * 1024 * 1024).default(1024 * 1024),
  // Filters per mapping: Lambda allows 5 by default and up to 10 with a quota increase.
  SLUICE_MAX_FILTERS: intFromEnv(1, 10).default(5),
  // The longest a quiet shard waits between polls (the wait grows from 20 ms while it stays quiet):
  // Lambda polls an idle shard about once a second (https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html).
  SLUICE_POLL_INTERVAL_MS: intFromEnv(10, 60_000).default(1000),
  // GetRecords a second Sluice may make on one shard. Kinesis allows 5 per shard, shared by every
  // consumer (https://docs.aws.amazon.com/streams/latest/dev/service-sizes-and-limits.html): 2.5
  // leaves the other half to one more consumer. Above 5 only makes sense against an emulator.
  SLUICE_SHARD_READS_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(2.5),
  // New shards (splits, merges) and new mappings are discovered this often (KCL syncs every 60 s).
  SLUICE_SHARD_SYNC_INTERVAL_MS: intFromEnv(100, 600_000).default(10_000),
  // A lease not renewed for this long can be taken over (KCL failoverTimeMillis, 10 s); renewed every third of it.
  SLUICE_LEASE_TTL_MS: intFromEnv(500, 600_000).default(10_000),
  // How often each process takes expired, unowned or unevenly spread leases: a failover takes up to ttl plus this.
  SLUICE_LEASE_TAKE_INTERVAL_MS: intFromEnv(100, 600_000).default(2000),
  // Whether the API checks that the source stream exists (Lambda does: InvalidParameterValueException).
  SLUICE_VALIDATE_SOURCES: boolFromEnv.default(true),
  /** Start over on a Redis that holds the older key layout (redis/key-layout.ts): each mapping from its StartingPosition. */
  SLUICE_KEY_LAYOUT_RESET: boolFromEnv.default(false),
  // Batches one worker process runs at once: one job per lane, most of it waiting on functions.
  SLUICE_WORKER_CONCURRENCY: intFromEnv(1, 10_000).default(50),
  // First retry of a failed batch waits about this long (then doubling, jittered).
  SLUICE_RETRY_BASE_MS: intFromEnv(1, 3_600_000).default(1000),
  // Retries of a failing batch never wait longer than this, so a fixed function is noticed soon.
  SLUICE_RETRY_MAX_MS: intFromEnv(1, 3_600_000).default(60_000),
  // Receive loops one poller process runs for one queue mapping at most; Lambda scales one SQS
  // mapping to 1,250 concurrent batches across its fleet.
  SLUICE_QUEUE_POLLERS_MAX: intFromEnv(1, 1250).default(100),
  // A dead worker's batches go to another worker after about 1.5 times this (BullMQ's lock, renewed
  // at half, checked for stalls at half): by default the lease's length, so a SIGKILLed process's
  // batch in flight is taken over in about one lease period, as its shards are (issue 14).
  SLUICE_WORKER_LOCK_MS: intFromEnv(200, 600_000).default(10_000),
  // Tumbling windows: Lambda keeps at most 1 MB of state per shard; past it the window ends early.
  SLUICE_TUMBLING_STATE_MAX_BYTES: intFromEnv(16, 64 * 1024 * 1024).default(1024 * 1024),
  // Where a node function's Module path resolves, as Lambda resolves its handler in /var/task.
  SLUICE_FUNCTIONS_DIR: z.string().min(1).default(process.cwd()),
  // An idle Node execution environment is reaped after this long; Lambda keeps idle ones for minutes.
  SLUICE_NODE_IDLE_MS: intFromEnv(100, 3_600_000).default(300_000),
  // Waits before the 2nd, 3rd... attempt of an asynchronous event after a function error: Lambda's
  // "about 1 minute, then 2 minutes" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
  SLUICE_ASYNC_RETRY_DELAYS_MS: msList.default([60_000, 120_000]),
  // Throttled or unreachable functions: the event is requeued after 1 s, doubling up to 5 min, as Lambda does.
  SLUICE_ASYNC_BACKOFF_BASE_MS: intFromEnv(1, 3_600_000).default(1000),
  SLUICE_ASYNC_BACKOFF_MAX_MS: intFromEnv(1, 3_600_000).default(300_000),
  // The S3 ingress (services/ingress): where it listens; loopback unless told otherwise, like the API.
  SLUICE_INGRESS_HOST: z.string().min(1).default('127.0.0.1'),
  SLUICE_INGRESS_PORT: intFromEnv(0, 65535).default(9072),
  // When set, direct S3 and EventBridge pushes must carry it (Authorization: Bearer, or X-Sluice-Ingress-Secret).
  SLUICE_INGRESS_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  // SNS signatures are verified unless this is explicitly false (a warning is logged at boot).
  SLUICE_SNS_VERIFY_SIGNATURES: boolFromEnv.default(true),
  // Hosts (host or host:port, comma-separated) besides SNS's own that may serve signing certificates
  // and SubscribeURLs, over http or https: an emulator's (LocalStack's). Empty by default.
  SLUICE_SNS_CERT_HOSTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '')),
  // An emulator that signs with certificates it serves itself under SNS's own URL (moto): such URLs'
  // paths are fetched from this endpoint instead of AWS. Unset: SNS URLs go to AWS.
  SLUICE_SNS_CERT_ENDPOINT: optionalUrl,
  // A notification seen within this long is a duplicate (SNS retries an HTTP delivery for up to an hour).
  SLUICE_INGRESS_DEDUP_TTL_MS: intFromEnv(1000, 7 * 24 * 3_600_000).default(3_600_000),
  // The ingress URL SNS should post to, for bindings whose ManagedNotification names no IngressUrl.
  SLUICE_INGRESS_PUBLIC_URL: optionalUrl,
});

export type Env = z.infer<typeof envSchema>;
export type SluiceConfig = Readonly<Env>;

/** Parses the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  return parseEnv(envSchema, env);
}
