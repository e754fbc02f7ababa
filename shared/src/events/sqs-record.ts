import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';
import { arnParts } from './arn-parts.js';

/** A message attribute as ReceiveMessage returns it (the AWS SDK's MessageAttributeValue is assignable). */
export interface SqsMessageAttributeInput {
  readonly StringValue?: string | undefined;
  readonly BinaryValue?: Uint8Array | undefined;
  readonly StringListValues?: string[] | undefined;
  readonly BinaryListValues?: Uint8Array[] | undefined;
  readonly DataType: string | undefined;
}

/** A message as ReceiveMessage returns it (the AWS SDK's `Message` is assignable to it). */
export interface SqsMessageInput {
  readonly MessageId?: string | undefined;
  readonly ReceiptHandle?: string | undefined;
  readonly MD5OfBody?: string | undefined;
  readonly Body?: string | undefined;
  readonly Attributes?: Partial<Record<string, string>> | undefined;
  readonly MD5OfMessageAttributes?: string | undefined;
  readonly MessageAttributes?: Record<string, SqsMessageAttributeInput> | undefined;
}

/** One message as the queue poller holds it: what it needs to batch, delete and order it, plus Lambda's record. */
export interface QueueMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  /** FIFO queues: the MessageGroupId, within which order holds. */
  readonly groupId?: string;
  /** Bytes of `lambdaRecord` as JSON: the 6 MB invoke payload cap counts these. */
  readonly sizeBytes: number;
  /** The element of the event's `Records` array, in Lambda's exact shape. */
  readonly lambdaRecord: Readonly<Record<string, unknown>>;
}

/**
 * The system attributes in the order Lambda's events list them; any other attribute SQS returns
 * follows, in SQS's order.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example events, standard and FIFO)
 */
const ATTRIBUTE_ORDER = [
  'ApproximateReceiveCount',
  'AWSTraceHeader',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
] as const;

/**
 * Builds the QueueMessage of one SQS message, its `lambdaRecord` exactly as Lambda hands it to a
 * function: the body as sent (never parsed), system attributes as strings (timestamps in epoch
 * milliseconds), message attributes in lower camel case with binary values in base64, and
 * `md5OfMessageAttributes` null when the message has none.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (example events)
 *
 * @example
 * const message = buildSqsQueueMessage(sdkMessage, { queueArn: 'arn:aws:sqs:us-east-1:123456789012:orders' });
 * message.lambdaRecord; // { messageId, receiptHandle, body, attributes, messageAttributes, ... eventSource: 'aws:sqs' }
 */
export function buildSqsQueueMessage(message: SqsMessageInput, context: { readonly queueArn: string }): QueueMessage {
  const { MessageId: messageId, ReceiptHandle: receiptHandle } = message;
  if (messageId === undefined || receiptHandle === undefined) {
    throw new SluiceError(ErrorCode.SourceInvalid, `SQS message without MessageId or ReceiptHandle from ${context.queueArn}`);
  }
  const attributes = orderedAttributes(message.Attributes ?? {});
  const lambdaRecord = {
    messageId,
    receiptHandle,
    body: message.Body ?? '',
    attributes,
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes ?? {}),
    md5OfMessageAttributes: message.MD5OfMessageAttributes ?? null,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: context.queueArn,
    awsRegion: arnParts(context.queueArn).region,
  };
  const groupId = attributes['MessageGroupId'];
  return {
    messageId,
    receiptHandle,
    ...(groupId === undefined ? {} : { groupId }),
    sizeBytes: Buffer.byteLength(JSON.stringify(lambdaRecord)),
    lambdaRecord,
  };
}

function orderedAttributes(attributes: Partial<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ATTRIBUTE_ORDER) {
    const value = attributes[name];
    if (value !== undefined) out[name] = value;
  }
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && !(name in out)) out[name] = value;
  }
  return out;
}

/** SQS's MessageAttributeValue in Lambda's lower camel case; binary values in base64; custom types (Number.float) kept. */
function lambdaMessageAttributes(attributes: Record<string, SqsMessageAttributeInput>): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
      ...(value.BinaryValue === undefined ? {} : { binaryValue: base64(value.BinaryValue) }),
      stringListValues: [...(value.StringListValues ?? [])],
      binaryListValues: (value.BinaryListValues ?? []).map(base64),
      dataType: value.DataType ?? 'String',
    };
  }
  return out;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
