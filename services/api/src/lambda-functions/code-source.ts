import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { invalidParameter } from '../errors/lambda-api-error.js';
import { MAX_UNZIPPED_BYTES } from './zip-archive.js';

/** Where a function's code comes from: the request's ZipFile, or an object in S3. */
export type CodeInput =
  | { readonly kind: 'zip'; readonly base64: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly version?: string }
  | { readonly kind: 'image'; readonly imageUri: string };

interface S3LikeError {
  readonly name?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * The .zip bytes of a CreateFunction or UpdateFunctionCode: the base64 ZipFile as the SDK and CLI
 * send it (fileb://), or the S3 object Sluice reads with its own S3 client (AWS_ENDPOINT_URL_S3).
 * S3's refusal (missing bucket or key, denied) is Lambda's InvalidParameterValueException naming
 * S3's error code and message, as Lambda words it.
 * https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html
 */
export async function readZip(input: Exclude<CodeInput, { kind: 'image' }>, s3: S3Client): Promise<Buffer> {
  if (input.kind === 'zip') return Buffer.from(input.base64, 'base64');
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: input.key, ...(input.version === undefined ? {} : { VersionId: input.version }) }));
    if ((object.ContentLength ?? 0) > MAX_UNZIPPED_BYTES) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    return Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
  } catch (error) {
    const e = error as S3LikeError;
    // An answer from S3 is the request's problem; no answer at all is ours (a ServiceException).
    if (e.$metadata?.httpStatusCode === undefined || e.$metadata.httpStatusCode >= 500) throw error;
    throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${e.name ?? 'Unknown'}. S3 Error Message: ${e.message ?? ''}`);
  }
}
