import { z } from 'zod';
import type { toFunctionConfiguration } from './function-wire.js';

/** An invoker as the registry answers it (function-wire.ts invokerWire). */
export const invokerWireSchema = z.discriminatedUnion('Type', [
  z.object({ Type: z.literal('http'), Url: z.string() }),
  z.object({ Type: z.literal('lambda'), FunctionName: z.string(), Qualifier: z.string().optional(), EndpointUrl: z.string().optional() }),
  z.object({ Type: z.literal('node'), Module: z.string(), Handler: z.string() }),
  // A function created through Lambda's API whose code Sluice cannot run.
  z.object({ Type: z.literal('none') }),
]);

/** A registered function as /sluice/v1/functions answers it. */
export const functionConfigurationSchema = z.object({
  FunctionName: z.string(),
  FunctionArn: z.string(),
  Description: z.string(),
  Invoker: invokerWireSchema,
  Timeout: z.int(),
  MemorySize: z.int(),
  ReservedConcurrentExecutions: z.int().optional(),
  LastModified: z.string(),
});

export const functionPageSchema = z.object({ NextMarker: z.string().optional(), Functions: z.array(functionConfigurationSchema) });

// The compiler holds the builder to the schema: a member added to one and not the other fails `tsc`.
export const functionWireConforms: (wire: ReturnType<typeof toFunctionConfiguration>) => z.output<typeof functionConfigurationSchema> = (wire) => wire;
