import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ErrorCode, SluiceError } from '@sluice/shared';
import { callAws } from './aws-error-classifier.js';

/**
 * `<stream ARN>@<creation time, epoch ms>`: a stream deleted and created again under its name keeps
 * its ARN but not its creation time, so checkpoints of the old stream are never applied to the new.
 * https://docs.aws.amazon.com/kinesis/latest/APIReference/API_DescribeStreamSummary.html
 */
export async function kinesisStreamIdentity(kinesis: KinesisClient, streamArn: string): Promise<string> {
  const out = await callAws('Kinesis DescribeStreamSummary', () => kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: streamArn })));
  const created = out.StreamDescriptionSummary?.StreamCreationTimestamp;
  if (created === undefined) throw new SluiceError(ErrorCode.SourceInvalid, `Kinesis DescribeStreamSummary: no StreamCreationTimestamp for ${streamArn}`);
  return `${streamArn}@${created.getTime()}`;
}
