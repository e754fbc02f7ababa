import type { ReceivedEvent, RecordingAnswer, RecordingFunction } from './recording-function.js';

export type QueueHandler = (event: ReceivedEvent) => RecordingAnswer | Promise<RecordingAnswer>;

/** One recording function shared by the tests of a file, each with its own queue and answers. */
export interface SqsFunctionRouter {
  /** How the function answers the events of one queue (by ARN); 200 `{}` when none is set. */
  readonly handlers: Map<string, QueueHandler>;
  /** The events the function was sent from one queue, in the order they arrived. */
  eventsFrom(queueArn: string): ReceivedEvent[];
  /** Every record delivered from one queue, in the order they arrived. */
  recordsFrom(queueArn: string): Record<string, unknown>[];
}

/** Routes a recording function's answers by the queue its event came from. */
export function routeByQueue(fn: RecordingFunction): SqsFunctionRouter {
  const handlers = new Map<string, QueueHandler>();
  fn.respond = (event, index) => handlers.get(String(event.Records[0]?.['eventSourceARN']))?.(fn.events[index]!) ?? { status: 200, body: {} };
  const eventsFrom = (queueArn: string) => fn.events.filter((e) => e.event.Records[0]?.['eventSourceARN'] === queueArn);
  return { handlers, eventsFrom, recordsFrom: (queueArn) => eventsFrom(queueArn).flatMap((e) => e.event.Records) };
}

/** The bodies of an event's records. */
export const bodies = (event: ReceivedEvent): string[] => event.event.Records.map((r) => String(r['body']));

/** A record's ApproximateReceiveCount. */
export const receiveCount = (record: Record<string, unknown>): string => (record['attributes'] as Record<string, string>)['ApproximateReceiveCount']!;

/** An answer of a function that failed (X-Amz-Function-Error, as Lambda's Invoke API reports it). */
export const FUNCTION_ERROR: RecordingAnswer = { status: 200, headers: { 'X-Amz-Function-Error': 'Unhandled' }, body: { errorType: 'Error', errorMessage: 'boom' } };

/** A mapping's value of a Prometheus metric on `/metrics` (no other label), or undefined when absent. */
export async function mappingMetric(sluiceUrl: string, name: string, mappingId: string): Promise<number | undefined> {
  const text = await (await fetch(`${sluiceUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{mapping="${mappingId}"} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}
