import { ErrorCode } from '../errors/error-codes.js';
import { SluiceError } from '../errors/sluice-error.js';

/**
 * A DynamoDB attribute value as a client hands it out: the AWS SDK v3 gives binary members (B, BS)
 * as Uint8Array; JSON sources already carry them as base64 strings. Every SDK AttributeValue
 * (`@aws-sdk/client-dynamodb-streams`) is assignable to it.
 */
export interface AttributeValueInput {
  readonly S?: string | undefined;
  readonly N?: string | undefined;
  readonly B?: Uint8Array | string | undefined;
  readonly SS?: readonly string[] | undefined;
  readonly NS?: readonly string[] | undefined;
  readonly BS?: readonly (Uint8Array | string)[] | undefined;
  readonly M?: Readonly<Record<string, AttributeValueInput>> | undefined;
  readonly L?: readonly AttributeValueInput[] | undefined;
  readonly NULL?: boolean | undefined;
  readonly BOOL?: boolean | undefined;
}

/** DynamoDB's typed JSON, the wire form Lambda's DynamoDB events carry (`{"S":"x"}`, `{"B":"<base64>"}`, ...). */
export type AttributeValueJson =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }
  | { readonly M: Readonly<Record<string, AttributeValueJson>> }
  | { readonly L: readonly AttributeValueJson[] }
  | { readonly NULL: boolean }
  | { readonly BOOL: boolean };

/**
 * Converts one attribute value to DynamoDB's typed JSON, binary as base64, as the DynamoDB Streams
 * wire format and Lambda's event carry it.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_AttributeValue.html
 */
export function toAttributeValueJson(value: AttributeValueInput): AttributeValueJson {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toItemJson(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toAttributeValueJson) };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  throw new SluiceError(ErrorCode.SourceInvalid, `not a DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/** Converts an item (or its Keys) attribute by attribute, keeping the order the service gave. */
export function toItemJson(item: Readonly<Record<string, AttributeValueInput>>): Record<string, AttributeValueJson> {
  const out: Record<string, AttributeValueJson> = {};
  for (const [name, value] of Object.entries(item)) out[name] = toAttributeValueJson(value);
  return out;
}

function base64(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}
