import { z } from 'zod';
import { DeadLetterKind } from '@sluice/shared';
import type { toDeadLetter, toDeadLetterSummary } from './dead-letter-wire.js';

/** A dead letter as listed (dead-letter-wire.ts toDeadLetterSummary). */
export const deadLetterSummarySchema = z.object({
  Id: z.string(),
  Kind: z.enum(Object.values(DeadLetterKind)),
  MappingId: z.string().optional(),
  FunctionName: z.string(),
  CreatedAt: z.string(),
  RecordCount: z.int(),
  PayloadOmitted: z.boolean().optional(),
  // AWS's failure or invocation record, in its own case.
  FailureRecord: z.record(z.string(), z.unknown()),
  Replays: z.int(),
  LastReplay: z.object({ At: z.string(), Error: z.string() }).optional(),
});

/** One dead letter with the payload the function would have been sent. */
export const deadLetterSchema = deadLetterSummarySchema.extend({ Payload: z.unknown().optional() });

export const deadLetterPageSchema = z.object({ NextMarker: z.string().optional(), DeadLetters: z.array(deadLetterSummarySchema) });

export const purgeResultSchema = z.object({ PurgedCount: z.int() });

// The compiler holds the builders to the schemas.
export const deadLetterWireConforms: {
  summary: (wire: ReturnType<typeof toDeadLetterSummary>) => Omit<z.output<typeof deadLetterSummarySchema>, 'FailureRecord'>;
  entry: (wire: ReturnType<typeof toDeadLetter>) => Omit<z.output<typeof deadLetterSchema>, 'FailureRecord'>;
} = { summary: (wire) => wire, entry: (wire) => wire };
