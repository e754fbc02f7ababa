import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@sluice/shared';
import { DEMO_NAME } from './demo-names.js';
import { LocalStackError, LocalStackErrorCode } from './local-stack-error.js';

export interface DemoFunctionOptions {
  readonly logger: Logger;
  /** The name it is registered under, for its log lines; DEMO_NAME by default. */
  readonly functionName?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

/** The demo "function": what Sluice's http invoker calls with each batch. */
export interface DemoFunction {
  /** The URL to register as the function's http invoker. */
  readonly url: string;
  stop(): Promise<void>;
}

// Lambda's synchronous invoke payload limit is 6 MB; anything larger is not an event Sluice sends.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

/** Enough of the first record to recognise it on one terminal line. */
const FIRST_RECORD_CHARS = 80;

/**
 * Starts a tiny HTTP server that logs every event POSTed to it and answers 200 `{}`: a function
 * that succeeds on every batch, so the demo shows records flowing end to end. Each invocation is
 * one log line: the function, the record count, the first record's data shortened (what a terminal
 * shows, dev-console.ts) and the whole event (for JSON readers).
 */
export async function startDemoFunction(options: DemoFunctionOptions): Promise<DemoFunction> {
  const logger = options.logger.child({ component: 'demo-function', function: options.functionName ?? DEMO_NAME });
  const server = createServer((request, response) => {
    handle(request, response, logger).catch((error: unknown) => {
      logger.error({ err: error }, 'demo function failed');
      if (!response.headersSent) reply(response, 500, { errorMessage: 'demo function failed' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new LocalStackError(
              LocalStackErrorCode.PortInUse,
              `demo function: port ${options.port} on ${options.host ?? '127.0.0.1'} is already in use; choose another port`,
              { cause: error },
            )
          : error,
      );
    });
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/invoke`,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, logger: Logger): Promise<void> {
  if (request.method !== 'POST') {
    reply(response, 405, { errorMessage: 'POST an event' });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    reply(response, 413, { errorMessage: `events are at most ${MAX_EVENT_BYTES} bytes` });
    return;
  }
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    reply(response, 400, { errorMessage: 'the event is not JSON' });
    return;
  }
  logger.info({ records: recordCount(event), first: firstRecordData(event), event }, 'demo function invoked');
  reply(response, 200, {});
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_EVENT_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function recordCount(event: unknown): number | undefined {
  if (typeof event !== 'object' || event === null || !('Records' in event)) return undefined;
  return Array.isArray(event.Records) ? event.Records.length : undefined;
}

/** A Kinesis record's data decoded, an SQS message's body, or a DynamoDB record's new image (keys), shortened; undefined without records. */
function firstRecordData(event: unknown): string | undefined {
  const records = (event as { Records?: unknown } | null)?.Records;
  const first = Array.isArray(records) ? (records[0] as { kinesis?: { data?: unknown }; body?: unknown; dynamodb?: { NewImage?: unknown; Keys?: unknown } }) : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const data = first.kinesis?.data;
  const text =
    typeof data === 'string'
      ? Buffer.from(data, 'base64').toString('utf8')
      : typeof first.body === 'string'
        ? first.body
        : JSON.stringify(first.dynamodb?.NewImage ?? first.dynamodb?.Keys ?? first);
  return text.length <= FIRST_RECORD_CHARS ? text : `${text.slice(0, FIRST_RECORD_CHARS - 1)}…`;
}

function reply(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
