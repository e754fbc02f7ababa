import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  readonly receivedAt: number;
  readonly event: { Records: Record<string, unknown>[] } & Record<string, unknown>;
  /** Set when the caller hung up before the answer was sent (it died mid-invocation). */
  aborted: boolean;
  answered: boolean;
  /** When the answer was sent, epoch ms. */
  answeredAt?: number;
}

/** A function's answer; `headers` such as `X-Amz-Function-Error` as Lambda's Invoke API sets it. */
export interface RecordingAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RecordingFunction {
  readonly url: string;
  readonly events: ReceivedEvent[];
  /** Every record of every event, in the order they arrived. */
  records(): Record<string, unknown>[];
  /** Decides the answer to each event: status code, body (default 200 `{}`) and extra headers. */
  respond: (event: ReceivedEvent['event'], index: number) => Promise<RecordingAnswer> | RecordingAnswer;
  close(): Promise<void>;
}

/** A function as Sluice's HTTP invoker calls it: records every event it is sent. */
export async function startRecordingFunction(): Promise<RecordingFunction> {
  const events: ReceivedEvent[] = [];
  const fn: RecordingFunction = {
    url: '',
    events,
    records: () => events.flatMap((e) => e.event.Records ?? []),
    respond: () => ({ status: 200, body: {} }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent['event'];
      const index = events.length;
      const received: ReceivedEvent = { receivedAt: Date.now(), event, aborted: false, answered: false };
      events.push(received);
      response.on('close', () => {
        if (!received.answered) received.aborted = true;
      });
      void Promise.resolve(fn.respond(event, index)).then(({ status, body, headers }) => {
        if (received.aborted) return;
        received.answered = true;
        received.answeredAt = Date.now();
        response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body ?? {}));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (fn as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return fn;
}
