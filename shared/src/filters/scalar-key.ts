import { JsonNumber } from './raw-json.js';

/**
 * The key an exact match compares: the type and the value's string form. Numbers compare by their
 * text, as Lambda's do (300 and 300.0 differ); a number that came from a JS object (a DynamoDB
 * record's SizeBytes) has the text JSON.stringify gives it, which is what the function would see.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
 */
export function scalarKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return Number.isFinite(value) ? `n${JSON.stringify(value)}` : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return value instanceof JsonNumber ? `n${value.raw}` : undefined;
    default:
      return undefined;
  }
}

/** The numeric value of a JSON number, or undefined for anything else (numeric strings included). */
export function numericValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return value instanceof JsonNumber ? value.value : undefined;
}

/** A leaf value in the event: anything but an object or array (JsonNumber counts as a scalar). */
export function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object' || value instanceof JsonNumber;
}

/** Writes a parsed value back as JSON, numbers as they were written. */
export function rawJsonText(value: unknown): string {
  if (value instanceof JsonNumber) return value.raw;
  if (Array.isArray(value)) return `[${value.map(rawJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${rawJsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
