import { FAST_FLOW_ENV } from '../helpers/sluice-process.js';

/**
 * The two sizes of the chaos suite. The full form is the issue's: 20,000 records at 500/s on 4
 * shards, 30 s outages, Sluice on its default settings (what production runs). The short form runs
 * inside `npm test`: the same scenarios scaled down, on the e2e tests' fast settings so that a
 * failover takes about a second instead of a lease period of 10 s.
 */
export interface ChaosForm {
  readonly name: 'short' | 'full';
  readonly records: number;
  readonly perSecond: number;
  readonly shards: number;
  /** When the (first) fault starts, after production began. */
  readonly faultAtMs: number;
  /** How long the stream service is stopped, the function fails, Redis is down. */
  readonly outageMs: number;
  /** How long Redis stays down after its kill -9 before it starts again (replaying its AOF). */
  readonly redisDownMs: number;
  /** Between the two SIGKILLs of the only process. */
  readonly secondKillAfterMs: number;
  /** How long, after the last record was acknowledged, every record may take to arrive. */
  readonly drainTimeoutMs: number;
  /** On top of what every Sluice of the suite gets (its Redis, kinesis-local, a prefix). */
  readonly sluiceEnv: Readonly<Record<string, string>>;
}

export const CHAOS_FORMS = {
  full: {
    name: 'full',
    records: 20_000,
    perSecond: 500,
    shards: 4,
    faultAtMs: 10_000,
    outageMs: 30_000,
    redisDownMs: 10_000,
    secondKillAfterMs: 15_000,
    // Sluice's default retry backoff reaches 60 s and a lease lasts 10 s: room for both, twice.
    drainTimeoutMs: 240_000,
    sluiceEnv: {},
  },
  short: {
    name: 'short',
    records: 3_000,
    perSecond: 500,
    shards: 4,
    faultAtMs: 1_500,
    outageMs: 5_000,
    redisDownMs: 3_000,
    secondKillAfterMs: 1_500,
    drainTimeoutMs: 30_000,
    sluiceEnv: {
      ...FAST_FLOW_ENV,
      SLUICE_LEASE_TTL_MS: '2000',
      SLUICE_LEASE_TAKE_INTERVAL_MS: '250',
      SLUICE_WORKER_LOCK_MS: '1000',
    },
  },
} as const satisfies Record<string, ChaosForm>;

declare module 'vitest' {
  export interface ProvidedContext {
    /** Which form the chaos project runs (test/chaos/vitest.config.ts). */
    chaosForm: keyof typeof CHAOS_FORMS;
  }
}
