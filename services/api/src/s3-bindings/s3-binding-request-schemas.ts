import { z } from 'zod';

/**
 * Request bodies of /sluice/v1/s3-bindings, in the names S3's notification configuration uses
 * (Id, Events, Filter.Key.FilterRules) plus Lambda's FunctionName.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LambdaFunctionConfiguration.html
 */
// Bucket naming rules: 3-63 of a-z 0-9 . -, starting and ending with a letter or digit.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TOPIC_ARN = /^arn:aws[a-zA-Z-]*:sns:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

const filterRule = z.object({ Name: z.string(), Value: z.string().max(1024) }).strict();

export const createS3BindingRequest = z
  .object({
    // Ids name bindings in URLs; S3 allows any string, we keep to URL-safe characters.
    Id: z.string().min(1).max(255).regex(/^[A-Za-z0-9_.-]+$/).optional(),
    Bucket: z.string().regex(BUCKET),
    Events: z.array(z.string()).min(1).max(64),
    Filter: z.object({ Key: z.object({ FilterRules: z.array(filterRule).max(10) }).strict() }).strict().optional(),
    FunctionName: z.string().min(1).max(140),
    TopicArn: z.string().regex(TOPIC_ARN).optional(),
    ManagedNotification: z
      .object({ TopicArn: z.string().regex(TOPIC_ARN), IngressUrl: z.url({ protocol: /^https?$/ }).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type CreateS3BindingRequest = z.infer<typeof createS3BindingRequest>;

export const listS3BindingsQuery = z
  .object({
    Marker: z.string().regex(/^\d+$/, 'Marker must come from a previous page').optional(),
    MaxItems: z.coerce.number().int().min(1).max(50).optional(),
  })
  .strict();
