import { ARN_PARTITION } from './arn-patterns.js';
import { kinesisProfile } from './kinesis-profile.js';
import type { StreamSourceProfile } from './source-profile.js';

const KINESIS_CONSUMER = new RegExp(
  `^arn:${ARN_PARTITION}:kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})/consumer/([a-zA-Z0-9_.-]{1,128}):(\\d+)$`,
);

/**
 * A Kinesis stream consumer (enhanced fan-out, SubscribeToShard):
 * arn:aws:kinesis:<region>:<account>:stream/<name>/consumer/<consumer>:<creation epoch>.
 * Its records are the stream's: everything but the ARN and the reader is Kinesis's.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis-configure.html (stream consumers)
 */
export const kinesisConsumerProfile = {
  ...kinesisProfile,
  kind: 'kinesis-consumer',
  title: 'Kinesis stream consumer',
  parseArn(arn) {
    const m = KINESIS_CONSUMER.exec(arn);
    return m === null ? undefined : { region: m[1]!, account: m[2]!, name: m[3]!, qualifier: m[4]! };
  },
} as const satisfies StreamSourceProfile<'kinesis-consumer'>;
