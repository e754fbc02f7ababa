import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchPayload } from './kinesis.js';

export interface SeenRecord {
  readonly payload: BenchPayload;
  readonly shardId: string;
  /** The record's approximateArrivalTimestamp (set by the stream service) in epoch ms. */
  readonly arrivalMs: number;
  /** performance.now() of the bench when the invocation's request arrived. */
  readonly receivedAt: number;
}

export interface NoopFunction {
  readonly url: string;
  /** Invocations received so far. */
  invocations(): number;
  close(): Promise<void>;
}

/** One invocation as the function received it: when, and the raw event. */
export interface ReceivedInvocation {
  /** performance.now() of the bench when the request arrived. */
  readonly receivedAt: number;
  readonly body: Buffer;
  /** Records in the event, counted without parsing it (one `"eventID"` per Kinesis record, one `"messageId"` per SQS message). */
  readonly records: number;
}

/** The records of an invocation, parsed (each record's payload decoded). */
export function recordsOf({ body, receivedAt }: Pick<ReceivedInvocation, 'body' | 'receivedAt'>): SeenRecord[] {
  const event = JSON.parse(body.toString('utf8')) as { Records?: { eventID: string; kinesis: { data: string; approximateArrivalTimestamp: number } }[] };
  return (event.Records ?? []).map((record) => ({
    payload: JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as BenchPayload,
    shardId: record.eventID.split(':')[0]!,
    arrivalMs: record.kinesis.approximateArrivalTimestamp * 1000,
    receivedAt,
  }));
}

/** A member every record of an event has once: Kinesis's `eventID`, SQS's `messageId`. */
const EVENT_ID = Buffer.from('"eventID"');
export const MESSAGE_ID = Buffer.from('"messageId"');

function countRecords(body: Buffer, marker: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(marker); at !== -1; at = body.indexOf(marker, at + marker.length)) count += 1;
  return count;
}

/**
 * A function as Sluice's HTTP invoker calls it: it answers 200 `{}` and hands each invocation to
 * `onInvocation` as received, its records counted but not parsed (recordsOf parses them), so that a
 * throughput bench can look at what arrived after its timed run and the function costs the shared
 * cores next to nothing meanwhile.
 */
export async function startRecordingFunction(onInvocation: (invocation: ReceivedInvocation) => void, marker: Buffer = EVENT_ID): Promise<NoopFunction> {
  return serve((receivedAt, body) => onInvocation({ receivedAt, body, records: countRecords(body, marker) }));
}

/**
 * A function as Sluice's HTTP invoker calls it that does nothing but note each record (its decoded
 * payload and the time the invocation arrived) and answer 200 `{}`.
 */
export async function startNoopFunction(onRecord: (record: SeenRecord) => void): Promise<NoopFunction> {
  return serve((receivedAt, body) => {
    for (const record of recordsOf({ receivedAt, body })) onRecord(record);
  });
}

async function serve(onBody: (receivedAt: number, body: Buffer) => void): Promise<NoopFunction> {
  let invocations = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = performance.now();
    invocations += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      onBody(receivedAt, Buffer.concat(chunks));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    invocations: () => invocations,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
