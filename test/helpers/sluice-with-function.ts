import type { LambdaClient } from '@aws-sdk/client-lambda';
import { deleteRedisPrefix } from './delete-redis-prefix.js';
import { startRecordingFunction, type RecordingFunction } from './recording-function.js';
import { sluiceLambdaClient } from './sluice-lambda.js';
import { flowEnv, registerHttpFunction, startSluice, type SluiceProcess } from './sluice-process.js';
import type { TestStack } from './test-stack.js';

/** What a started Sluice offers the harness: its API's URL and a way to stop it. */
interface StartedSluice {
  readonly url: string;
  stop(): Promise<unknown>;
}

export interface SluiceWithFunction<S extends StartedSluice> {
  readonly sluice: S;
  /** sluiceLambdaClient of the API. */
  readonly lambda: LambdaClient;
  /** Registered as `functionName` (an http function); set `respond` to make it fail. */
  readonly fn: RecordingFunction;
  /** Destroys the client, stops Sluice and the function, and deletes the prefix's Redis keys. */
  close(): Promise<void>;
}

export interface SluiceWithFunctionOptions {
  /** SLUICE_REDIS_PREFIX (a uniqueName), deleted on close. */
  readonly prefix: string;
  readonly functionName: string;
  /** On top of flowEnv (FAST_FLOW_ENV included). */
  readonly env?: Record<string, string>;
}

/** `sluice start --role all`: every role in one process. */
export function startAllRoles(env: Record<string, string>): Promise<SluiceProcess> {
  return startSluice({ args: ['start', '--role', 'all'], env });
}

/**
 * A Sluice that moves records on the test stack (flowEnv), started by `start` (one process with
 * every role unless told, e.g. startSluiceRoles), with a recording function registered through
 * its API and a LambdaClient signed for it: the setup of the e2e tests that deliver records.
 */
export function startSluiceWithFunction(stack: TestStack, options: SluiceWithFunctionOptions): Promise<SluiceWithFunction<SluiceProcess>>;
export function startSluiceWithFunction<S extends StartedSluice>(
  stack: TestStack,
  options: SluiceWithFunctionOptions,
  start: (env: Record<string, string>) => Promise<S>,
): Promise<SluiceWithFunction<S>>;
export async function startSluiceWithFunction(
  stack: TestStack,
  options: SluiceWithFunctionOptions,
  start: (env: Record<string, string>) => Promise<StartedSluice> = startAllRoles,
): Promise<SluiceWithFunction<StartedSluice>> {
  const fn = await startRecordingFunction();
  let sluice: StartedSluice | undefined;
  let lambda: LambdaClient | undefined;
  const close = async () => {
    lambda?.destroy();
    await sluice?.stop();
    await fn.close();
    await deleteRedisPrefix(stack.redisUrl, options.prefix);
  };
  try {
    sluice = await start(flowEnv(stack, options.prefix, options.env));
    lambda = sluiceLambdaClient(sluice.url);
    const status = await registerHttpFunction(sluice.url, options.functionName, fn.url);
    if (status !== 201) throw new Error(`registering function ${options.functionName} answered ${status}, not 201`);
    return { sluice, lambda, fn, close };
  } catch (error) {
    await close();
    throw error;
  }
}
