import { z } from 'zod';
import { FUNCTION_NAME, moduleLeavesFunctionsDir } from '@sluice/shared';

/**
 * Sluice's function registry body. Names, Timeout and MemorySize follow Lambda's CreateFunction
 * ranges (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html); the Invoker says
 * how Sluice calls the function, since it runs no code of its own.
 */
const invoker = z.discriminatedUnion('Type', [
  z.strictObject({ Type: z.literal('http'), Url: z.url({ protocol: /^https?$/ }) }),
  z.strictObject({
    Type: z.literal('lambda'),
    FunctionName: z.string().min(1).max(140),
    Qualifier: z.string().regex(/^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/).optional(),
    EndpointUrl: z.url({ protocol: /^https?$/ }).optional(),
  }),
  z.strictObject({
    Type: z.literal('node'),
    // Sluice runs the file: it must be one of SLUICE_FUNCTIONS_DIR's (the worker checks real paths too).
    Module: z
      .string()
      .min(1)
      .max(1024)
      .refine((module) => !moduleLeavesFunctionsDir(module), 'Member must be a path relative to SLUICE_FUNCTIONS_DIR that stays inside it (not absolute, no ".." leading out)'),
    Handler: z.string().regex(/^[A-Za-z_$][\w$]*$/).max(128),
  }),
]);

export const createFunctionRequest = z.strictObject({
  FunctionName: z.string().regex(FUNCTION_NAME),
  Description: z.string().max(256).optional(),
  Invoker: invoker,
  Timeout: z.int().min(1).max(900).optional(),
  MemorySize: z.int().min(128).max(10240).optional(),
  ReservedConcurrentExecutions: z.int().min(0).max(1000).optional(),
});

/** An update names what changes; the name itself is the path's. */
export const updateFunctionRequest = createFunctionRequest.omit({ FunctionName: true }).partial();

export type UpdateFunctionRequest = z.infer<typeof updateFunctionRequest>;
export type InvokerInput = z.infer<typeof invoker>;
export type CreateFunctionRequest = z.infer<typeof createFunctionRequest>;
