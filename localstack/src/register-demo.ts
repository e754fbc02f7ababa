import {
  CreateEventSourceMappingCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  ResourceConflictException,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEMO_NAME } from './demo-names.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface RegisterDemoOptions {
  /** Sluice's API base URL, e.g. `http://127.0.0.1:9070`. */
  readonly apiUrl: string;
  /** Where the demo function listens (startDemoFunction().url). */
  readonly functionUrl: string;
  /** The stream the mapping reads. */
  readonly streamArn: string;
  /** The demo SQS queue, mapped to the same function when given. */
  readonly queueArn?: string | undefined;
  readonly region: string;
  /** SLUICE_API_TOKEN, when the API requires one. */
  readonly apiToken?: string | undefined;
  readonly functionName?: string;
}

export interface RegisteredDemo {
  readonly functionName: string;
  /** False when the function was already registered (a second `sluice dev` on the same Redis). */
  readonly functionCreated: boolean;
  /**
   * The invoker URL Sluice has for the function: `functionUrl` unless an earlier registration
   * named another one (the registry has no update; the caller should tell the user).
   */
  readonly registeredFunctionUrl: string;
  readonly mappingUuid: string;
  readonly mappingCreated: boolean;
  /** The queue's mapping, when a queue was given. */
  readonly queueMappingUuid?: string;
}

/**
 * Registers the demo function and its mappings (the stream, and the queue when given) through Sluice's public API, exactly as a user
 * would: the function registry over REST, the mapping with the real AWS SDK Lambda client.
 * Both steps treat "already exists" as done, so the demo can be registered on every start.
 */
export async function registerDemo(options: RegisterDemoOptions): Promise<RegisteredDemo> {
  const functionName = options.functionName ?? DEMO_NAME;
  const functionCreated = await registerFunction(options, functionName);
  const registeredFunctionUrl = functionCreated ? options.functionUrl : await registeredUrl(options, functionName);
  const lambda = new LambdaClient({
    endpoint: options.apiUrl,
    region: options.region,
    // Sluice reads the API token from the SigV4 secret, so the SDK and CLI authenticate unchanged;
    // without a token any credentials are accepted.
    credentials: { accessKeyId: 'sluice', secretAccessKey: options.apiToken ?? 'sluice-no-token' },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
  });
  try {
    const stream = await ensureMapping(lambda, { FunctionName: functionName, EventSourceArn: options.streamArn, StartingPosition: 'LATEST' });
    // An SQS mapping takes no StartingPosition: it receives what is in the queue.
    const queue = options.queueArn === undefined ? undefined : await ensureMapping(lambda, { FunctionName: functionName, EventSourceArn: options.queueArn });
    return {
      functionName,
      functionCreated,
      registeredFunctionUrl,
      mappingUuid: stream.uuid,
      mappingCreated: stream.created,
      ...(queue === undefined ? {} : { queueMappingUuid: queue.uuid }),
    };
  } finally {
    lambda.destroy();
  }
}

/** Creates the mapping, or finds the one an earlier run made. */
async function ensureMapping(lambda: LambdaClient, input: CreateEventSourceMappingCommandInput & { FunctionName: string; EventSourceArn: string }) {
  const created = await lambda.send(new CreateEventSourceMappingCommand(input)).catch((error: unknown) => {
    if (error instanceof ResourceConflictException) return undefined;
    throw error;
  });
  if (created?.UUID !== undefined) return { uuid: created.UUID, created: true };
  return { uuid: await existingMapping(lambda, input.FunctionName, input.EventSourceArn), created: false };
}

async function registerFunction(options: RegisterDemoOptions, functionName: string): Promise<boolean> {
  const response = await fetch(new URL('/sluice/v1/functions', options.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization(options.apiToken) },
    body: JSON.stringify({ FunctionName: functionName, Invoker: { Type: 'http', Url: options.functionUrl } }),
  });
  const body = await response.text();
  if (response.status === 201) return true;
  if (response.status === 409) return false;
  throw new LocalStackError(
    LocalStackErrorCode.DemoSetupFailed,
    `registering the demo function: POST /sluice/v1/functions answered ${response.status}: ${body.slice(0, 500)}`,
  );
}

function authorization(apiToken: string | undefined): Record<string, string> {
  return apiToken === undefined ? {} : { authorization: `Bearer ${apiToken}` };
}

async function registeredUrl(options: RegisterDemoOptions, functionName: string): Promise<string> {
  const response = await fetch(new URL(`/sluice/v1/functions/${encodeURIComponent(functionName)}`, options.apiUrl), {
    headers: authorization(options.apiToken),
  });
  const body = (await response.json()) as { Invoker?: { Url?: string } };
  if (response.status !== 200 || body.Invoker?.Url === undefined) {
    throw new LocalStackError(
      LocalStackErrorCode.DemoSetupFailed,
      `reading the demo function back: GET /sluice/v1/functions/${functionName} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`,
    );
  }
  return body.Invoker.Url;
}

async function existingMapping(lambda: LambdaClient, functionName: string, streamArn: string): Promise<string> {
  const { EventSourceMappings: mappings } = await lambda.send(
    new ListEventSourceMappingsCommand({ FunctionName: functionName, EventSourceArn: streamArn }),
  );
  const uuid = mappings?.[0]?.UUID;
  if (uuid === undefined) {
    throw new LocalStackError(
      LocalStackErrorCode.DemoSetupFailed,
      `CreateEventSourceMapping said the demo mapping exists, but ListEventSourceMappings finds none for ${streamArn}`,
    );
  }
  return uuid;
}
