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

/**
 * A function as Sluice's HTTP invoker calls it that does nothing but note each record (its decoded
 * payload and the time the invocation arrived) and answer 200 `{}`.
 */
export async function startNoopFunction(onRecord: (record: SeenRecord) => void): Promise<NoopFunction> {
  let invocations = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = performance.now();
    invocations += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Records?: { eventID: string; kinesis: { data: string; approximateArrivalTimestamp: number } }[] };
      for (const record of event.Records ?? []) {
        const payload = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as BenchPayload;
        onRecord({ payload, shardId: record.eventID.split(':')[0]!, arrivalMs: record.kinesis.approximateArrivalTimestamp * 1000, receivedAt });
      }
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
