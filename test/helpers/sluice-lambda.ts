import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  LambdaClient,
  ResourceNotFoundException,
  type CreateEventSourceMappingCommandInput,
  type GetEventSourceMappingCommandOutput,
} from '@aws-sdk/client-lambda';
import { REGION } from './kinesis-test-stream.js';
import { waitFor } from './wait-for.js';

/** What the emulators and Sluice accept; requests are still signed with them (SigV4). */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/**
 * The real AWS SDK LambdaClient pointed at a Sluice API, signing with TEST_CREDENTIALS. One
 * attempt: a test sees Sluice's first answer, not the SDK's retry of it.
 */
export function sluiceLambdaClient(sluiceUrl: string): LambdaClient {
  return new LambdaClient({ region: REGION, credentials: TEST_CREDENTIALS, endpoint: sluiceUrl, maxAttempts: 1 });
}

/** CreateEventSourceMapping of `functionName`, from TRIM_HORIZON unless `input` says otherwise; resolves with the mapping's UUID. */
export async function createStreamMapping(
  lambda: LambdaClient,
  functionName: string,
  input: Partial<CreateEventSourceMappingCommandInput> & { EventSourceArn: string },
): Promise<string> {
  const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: functionName, StartingPosition: 'TRIM_HORIZON', ...input }));
  return created.UUID!;
}

/** Polls GetEventSourceMapping until the mapping is in `state`; resolves with what it answered then. */
export async function waitForMappingState(lambda: LambdaClient, uuid: string, state: string, timeoutMs = 10_000): Promise<GetEventSourceMappingCommandOutput> {
  return waitFor(async () => {
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    return got.State === state ? got : undefined;
  }, { timeoutMs, message: `mapping ${uuid} never reached ${state}` });
}

/**
 * Deletes a mapping once it has settled: Lambda refuses to delete one still Creating or Updating
 * (ResourceInUseException), https://docs.aws.amazon.com/lambda/latest/api/API_DeleteEventSourceMapping.html
 */
export async function deleteSettledMapping(lambda: LambdaClient, uuid: string): Promise<void> {
  await waitFor(async () => ['Enabled', 'Disabled'].includes((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State ?? ''), {
    message: `mapping ${uuid} never settled`,
  });
  await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
}

/** Waits until GetEventSourceMapping answers ResourceNotFoundException (a deleted mapping is gone). */
export async function waitForMappingGone(lambda: LambdaClient, uuid: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    () => lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })).then(() => undefined, (e: unknown) => e instanceof ResourceNotFoundException),
    { timeoutMs, message: `mapping ${uuid} never went away` },
  );
}

/** How the SDK reports a refused call: the error's name, its whole message, the HTTP status and Sluice's detail (the body's SluiceDetail). */
export interface SdkRefusal {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
  readonly detail?: string;
}

/** The refusal a call ends in; a call that succeeds fails the test. */
export async function sdkRefusal(call: Promise<unknown>): Promise<SdkRefusal> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as Error & { $metadata?: { httpStatusCode?: number }; SluiceDetail?: string },
  );
  if (error === undefined) throw new Error('the call was accepted');
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode, ...(error.SluiceDetail === undefined ? {} : { detail: error.SluiceDetail }) };
}

/** AWS's framework answer to a request that breaks the API model's own constraints. */
export const validation = (message: string) => ({ name: 'ValidationException', message, status: 400 });
/** Lambda's own refusal of a request. */
export const invalidParameter = (message: string) => ({ name: 'InvalidParameterValueException', message, status: 400 });
