import { z } from 'zod';
import { MappingState, SOURCE_KINDS } from '@sluice/shared';
import type { DashboardSnapshot } from './dashboard-wire.js';

const shardSchema = z.object({
  ShardId: z.string(),
  ParentShardIds: z.array(z.string()).readonly(),
  Lease: z.enum(['held', 'expired', 'free', 'ended']),
  Owner: z.string().optional(),
  LeaseExpiresInMs: z.number().optional(),
  Checkpoint: z.string().optional(),
  HeldHere: z.boolean(),
  IteratorAgeMs: z.number().nullable().optional(),
  MillisBehindLatest: z.number().nullable().optional(),
  RecordsRead: z.number().optional(),
});

const mappingSchema = z.object({
  UUID: z.string(),
  State: z.enum(Object.values(MappingState)),
  StateTransitionReason: z.string(),
  SourceKind: z.enum(SOURCE_KINDS),
  SourceModel: z.enum(['stream', 'queue']),
  SourceName: z.string(),
  EventSourceArn: z.string(),
  FunctionName: z.string(),
  FunctionArn: z.string(),
  LastProcessingResult: z.string(),
  LastModified: z.number(),
  BatchSize: z.number(),
  Counters: z
    .object({ BatchesSucceeded: z.number(), BatchesDiscarded: z.number(), Retries: z.number(), RecordsFiltered: z.number(), DeadLettersParked: z.number() })
    .optional(),
  Stream: z.object({ StreamIdentity: z.string().optional(), OlderIncarnationLeases: z.number(), Shards: z.array(shardSchema).readonly() }).optional(),
  Queue: z
    .object({ Pollers: z.number(), InFlight: z.number(), Backlog: z.number().nullable(), Received: z.number(), Deleted: z.number(), Failed: z.number() })
    .optional(),
});

/** GET /sluice/v1/dashboard (dashboard-wire.ts DashboardSnapshot). */
export const dashboardSnapshotSchema = z.object({
  Time: z.number(),
  Metrics: z.enum(['this-process', 'absent']),
  Truncated: z.literal(true).optional(),
  Mappings: z.array(mappingSchema).readonly(),
});

// The compiler holds the interface to the schema.
export const dashboardSnapshotConforms: (wire: DashboardSnapshot) => z.output<typeof dashboardSnapshotSchema> = (wire) => wire;
