import { z } from 'zod';
import type { toS3BindingWire } from './s3-binding-wire.js';

/** A binding as /sluice/v1/s3-bindings answers it (s3-binding-wire.ts). */
export const s3BindingWireSchema = z.object({
  Id: z.string(),
  Bucket: z.string(),
  Events: z.array(z.string()).readonly(),
  Filter: z.object({ Key: z.object({ FilterRules: z.array(z.object({ Name: z.string(), Value: z.string() })) }) }).optional(),
  FunctionArn: z.string(),
  TopicArn: z.string().optional(),
  ManagedNotification: z.object({ TopicArn: z.string(), IngressUrl: z.string(), SubscriptionArn: z.string().optional() }).optional(),
  CreatedAt: z.string(),
});

export const s3BindingPageSchema = z.object({ S3Bindings: z.array(s3BindingWireSchema), NextMarker: z.string().optional() });

// The compiler holds the builder to the schema.
export const s3BindingWireConforms: (wire: ReturnType<typeof toS3BindingWire>) => z.output<typeof s3BindingWireSchema> = (wire) => wire;
