import { z } from 'zod';
import { tags } from '../esm/mapping-request-schemas.js';

/**
 * Lambda's function requests as its API model constrains them (botocore lambda/2015-03-31
 * service-2.json: CreateFunctionRequest, UpdateFunctionCodeRequest,
 * UpdateFunctionConfigurationRequest, PutFunctionConcurrencyRequest). Members of the model that
 * Sluice neither keeps nor answers back (VpcConfig, Layers, DeadLetterConfig, KMSKeyArn, ...) are
 * accepted and dropped, as zod objects strip unknown keys. Timeout stops at 900 s and MemorySize at
 * 10240 MB, Lambda's quotas for these functions.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
 */
const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const HANDLER = /^[^\s]+$/;
const ENV_NAME = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const S3_BUCKET = /^[0-9A-Za-z.\-_]*(?<!\.)$/;

const environment = z.object({ Variables: z.record(z.string().regex(ENV_NAME), z.string()).optional() });
const s3Code = {
  S3Bucket: z.string().min(3).max(63).regex(S3_BUCKET).optional(),
  S3Key: z.string().min(1).max(1024).optional(),
  S3ObjectVersion: z.string().min(1).max(1024).optional(),
};
const code = z.object({ ZipFile: z.base64().optional(), ...s3Code, ImageUri: z.string().min(1).optional() });
const logLevel = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** The members Sluice keeps and answers back as they were given. */
const echoed = {
  Architectures: z.array(z.enum(['x86_64', 'arm64'])).min(1).max(1).optional(),
  EphemeralStorage: z.object({ Size: z.int().min(512).max(10240) }).optional(),
  TracingConfig: z.object({ Mode: z.enum(['Active', 'PassThrough']).optional() }).optional(),
  LoggingConfig: z
    .object({
      LogFormat: z.enum(['JSON', 'Text']).optional(),
      ApplicationLogLevel: z.enum(logLevel).optional(),
      SystemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional(),
      LogGroup: z.string().min(1).max(512).regex(/^[.\-_/#A-Za-z0-9]+$/).optional(),
    })
    .optional(),
};

const settings = {
  Role: z.string().max(10000).regex(ROLE),
  Handler: z.string().max(128).regex(HANDLER).optional(),
  Description: z.string().max(256).optional(),
  Timeout: z.int().min(1).max(900).optional(),
  MemorySize: z.int().min(128).max(10240).optional(),
  Environment: environment.optional(),
  Runtime: z.string().optional(),
};

export const createFunctionRequest = z.object({
  FunctionName: z.string().min(1).max(140),
  ...settings,
  Code: code,
  PackageType: z.enum(['Zip', 'Image']).optional(),
  Publish: z.boolean().optional(),
  Tags: tags.optional(),
  ...echoed,
});

export const updateFunctionCodeRequest = z.object({
  ZipFile: z.base64().optional(),
  ...s3Code,
  ImageUri: z.string().min(1).optional(),
  Architectures: echoed.Architectures,
  Publish: z.boolean().optional(),
  DryRun: z.boolean().optional(),
  RevisionId: z.string().optional(),
});

export const updateFunctionConfigurationRequest = z.object({
  ...settings,
  Role: settings.Role.optional(),
  RevisionId: z.string().optional(),
  EphemeralStorage: echoed.EphemeralStorage,
  TracingConfig: echoed.TracingConfig,
  LoggingConfig: echoed.LoggingConfig,
});

export const putFunctionConcurrencyRequest = z.object({ ReservedConcurrentExecutions: z.int().min(0) });

export const listFunctionsQuery = z.object({
  Marker: z.string().min(1).optional(),
  MaxItems: z.coerce.number().int().min(1).max(10000).optional(),
  FunctionVersion: z.enum(['ALL']).optional(),
  MasterRegion: z.string().optional(),
});

export type CreateFunctionRequest = z.infer<typeof createFunctionRequest>;
export type UpdateFunctionCodeRequest = z.infer<typeof updateFunctionCodeRequest>;
export type UpdateFunctionConfigurationRequest = z.infer<typeof updateFunctionConfigurationRequest>;
export type EchoedSettings = Pick<CreateFunctionRequest, keyof typeof echoed>;
export const ECHOED_MEMBERS = Object.keys(echoed) as (keyof typeof echoed)[];
