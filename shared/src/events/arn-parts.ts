import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';

/** The fixed fields of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ArnParts {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
}

/**
 * Splits an ARN into its fixed fields. The event builders take region and account from the source
 * ARN, as Lambda's records do.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */
export function arnParts(arn: string): ArnParts {
  const [prefix, partition = '', service = '', region = '', account = ''] = arn.split(':');
  if (prefix !== 'arn' || partition === '' || service === '') {
    throw new SluiceError(ErrorCode.SourceInvalid, `not an ARN: ${arn}`);
  }
  return { partition, service, region, account };
}
