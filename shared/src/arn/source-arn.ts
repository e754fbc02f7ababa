/**
 * Stream-source ARNs Lambda accepts for stream mappings, parsed once here.
 * Kinesis stream:   arn:aws:kinesis:<region>:<account>:stream/<name>
 * Kinesis consumer: arn:aws:kinesis:<region>:<account>:stream/<name>/consumer/<consumer>:<creation epoch>
 * DynamoDB stream:  arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonkinesis.html
 */
export type SourceKind = 'kinesis' | 'kinesis-consumer' | 'dynamodb';

export interface SourceArn {
  readonly arn: string;
  readonly kind: SourceKind;
  readonly region: string;
  readonly account: string;
  /** Kinesis stream name or DynamoDB table name. */
  readonly name: string;
  /** Consumer name (kinesis-consumer) or stream label (dynamodb). */
  readonly qualifier?: string;
}

const PARTITION = 'aws[a-zA-Z-]*';
const KINESIS_STREAM = new RegExp(`^arn:${PARTITION}:kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})$`);
const KINESIS_CONSUMER = new RegExp(
  `^arn:${PARTITION}:kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})/consumer/([a-zA-Z0-9_.-]{1,128}):(\\d+)$`,
);
const DYNAMODB_STREAM = new RegExp(
  `^arn:${PARTITION}:dynamodb:([a-z0-9-]+):(\\d{12}):table/([a-zA-Z0-9_.-]{3,255})/stream/([0-9A-Za-z:.\\-_]+)$`,
);

/** Parses a stream-source ARN, or returns undefined when it is not one Sluice can read. */
export function parseSourceArn(arn: string): SourceArn | undefined {
  let m = KINESIS_STREAM.exec(arn);
  if (m) return { arn, kind: 'kinesis', region: m[1]!, account: m[2]!, name: m[3]! };
  m = KINESIS_CONSUMER.exec(arn);
  if (m) return { arn, kind: 'kinesis-consumer', region: m[1]!, account: m[2]!, name: m[3]!, qualifier: m[4]! };
  m = DYNAMODB_STREAM.exec(arn);
  if (m) return { arn, kind: 'dynamodb', region: m[1]!, account: m[2]!, name: m[3]!, qualifier: m[4]! };
  return undefined;
}
