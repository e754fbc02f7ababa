import { posix } from 'node:path';
import type { FunctionCode, FunctionDefinition, InvokerConfig } from '@sluice/shared';
import { runsLocally } from './lambda-runtimes.js';

/**
 * The node invoker for Lambda's handler string in code unpacked at `codeDir`, by the rules of
 * Lambda's Node runtime (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html): the
 * last path segment splits at its first dot into the module (`index`, found as index, index.js,
 * index.mjs or index.cjs) and the export, which may be nested (`index.api.handler`); what comes
 * before the segment is a folder of the code. A handler without that dot, or one that climbs out of
 * the code (`..`, an absolute path), is malformed: its export is empty and invoking it answers
 * Runtime.MalformedHandlerName.
 */
export function nodeInvokerFor(codeDir: string, handler: string): Extract<InvokerConfig, { type: 'node' }> {
  const segment = posix.basename(handler);
  const folder = handler.slice(0, handler.length - segment.length);
  const dot = segment.indexOf('.');
  const climbs = handler.startsWith('/') || handler.split('/').includes('..');
  if (dot <= 0 || dot === segment.length - 1 || climbs) return { type: 'node', module: `${codeDir}/index`, handler: '' };
  return { type: 'node', module: posix.join(codeDir, folder, segment.slice(0, dot)), handler: segment.slice(dot + 1) };
}

/** How Sluice calls a function made through Lambda's API: a Node.js .zip runs locally; anything else waits for an invoker. */
export function invokerForCode(code: FunctionCode): InvokerConfig {
  if (code.packageType !== 'Zip' || !runsLocally(code.runtime) || code.codeDir === undefined || code.handler === undefined) return { type: 'none' };
  return nodeInvokerFor(code.codeDir, code.handler);
}

/** Whether a function is called as its Lambda code says (not pointed elsewhere through /sluice/v1/functions since). */
export function runsOwnCode(fn: FunctionDefinition): boolean {
  return fn.code !== undefined && JSON.stringify(fn.invoker) === JSON.stringify(invokerForCode(fn.code));
}
