import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallCounts {
  /** Calls per operation (Kinesis: GetRecords, GetShardIterator, ...; SQS: ReceiveMessage, DeleteMessageBatch, ...). */
  readonly byOperation: Record<string, number>;
  /** GetRecords calls that returned no records. */
  readonly emptyGetRecords: number;
  /** Entries sent in batch calls (DeleteMessageBatch, SendMessageBatch, ...) per operation. */
  readonly batchEntries: Record<string, number>;
}

export interface AwsCallProxy {
  /** Point Sluice's AWS_ENDPOINT_URL_KINESIS (or _SQS) here. */
  readonly endpoint: string;
  counts(): CallCounts;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of an AWS JSON-protocol emulator (kinesis-local, an SQS
 * emulator) that counts the calls going through it by operation (the X-Amz-Target header), so a
 * bench can say how many GetRecords an idle shard, or ReceiveMessage an idle queue, costs.
 * It runs in the bench process: its CPU is not charged to Sluice.
 */
export async function startAwsCallProxy(target: string): Promise<AwsCallProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const byOperation: Record<string, number> = {};
  let emptyGetRecords = 0;
  const batchEntries: Record<string, number> = {};
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const operation = String(incoming.headers['x-amz-target'] ?? 'unknown').split('.').pop()!;
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
    if (operation.endsWith('Batch')) {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const entries = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries?: unknown[] }).Entries?.length ?? 0;
        batchEntries[operation] = (batchEntries[operation] ?? 0) + entries;
      });
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        if (operation !== 'GetRecords') {
          answer.pipe(outgoing);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          if (/"Records"\s*:\s*\[\s*\]/.test(body.toString())) emptyGetRecords += 1;
          outgoing.end(body);
        });
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => ({ byOperation: { ...byOperation }, emptyGetRecords, batchEntries: { ...batchEntries } }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The difference between two snapshots. */
export function diffCounts(after: CallCounts, before: CallCounts): CallCounts {
  const byOperation: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.byOperation)) {
    const d = n - (before.byOperation[op] ?? 0);
    if (d > 0) byOperation[op] = d;
  }
  const batchEntries: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.batchEntries)) {
    const d = n - (before.batchEntries[op] ?? 0);
    if (d > 0) batchEntries[op] = d;
  }
  return { byOperation, emptyGetRecords: after.emptyGetRecords - before.emptyGetRecords, batchEntries };
}
