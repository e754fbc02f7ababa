/**
 * The program of one execution environment (a child process of the worker), playing Lambda's Node
 * runtime: it imports the function's module once (Init), then runs one invocation at a time as the
 * parent sends them, so module-level state lives as long as the environment.
 * argv: <module path> <handler path> [<Lambda handler string>]. The handler path may be dotted
 * (`nested.handler`), as Lambda resolves it; with a Lambda handler string (a function made through
 * CreateFunction) the errors of a missing module or handler read as Lambda's Node runtime words them.
 * Talks to the parent over IPC (runtime-protocol.ts).
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { ChildMessage, InvokeMessage, RuntimeErrorBody } from './runtime-protocol.js';

type Handler = (event: unknown, context: object, callback: (error?: unknown, result?: unknown) => void) => unknown;

/** Captured output is kept to about this many characters (the parent keeps the last 4 KB). */
const MAX_LOG_CHARS = 16 * 1024;

const [modulePath = '', handlerName = '', lambdaHandler] = process.argv.slice(2);
let handler: Handler | undefined;
let current: { requestId: string; logs: string } | undefined;
let initLogs = '';

function send(message: ChildMessage, then?: () => void): void {
  if (process.send === undefined) process.exit(1);
  process.send(message, undefined, {}, () => then?.());
}

function capture(text: string): void {
  if (current === undefined) initLogs = trim(initLogs + text);
  else current.logs = trim(current.logs + text);
}

function trim(text: string): string {
  return text.length > MAX_LOG_CHARS ? text.slice(-MAX_LOG_CHARS / 2) : text;
}

/** Lambda's Node log line: `<ISO time>\t<request id>\t<LEVEL>\t<message>` (request id "undefined" during Init). */
function patchConsole(): void {
  const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
  for (const [method, level] of Object.entries(levels)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      capture(`${new Date().toISOString()}\t${current?.requestId ?? 'undefined'}\t${level}\t${format(...args)}\n`);
    };
  }
  for (const stream of [process.stdout, process.stderr]) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      capture(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
}

/** Shapes a thrown value as Lambda's Node runtime does: Errors by name, message and stack lines. */
function errorBody(error: unknown): RuntimeErrorBody {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function init(): Promise<RuntimeErrorBody | undefined> {
  // An empty handler path is a Lambda handler without `.export` (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html).
  if (handlerName === '') return { errorType: 'Runtime.MalformedHandlerName', errorMessage: 'Bad handler', trace: [] };
  if (lambdaHandler !== undefined && !existsSync(modulePath)) {
    // Lambda's Node runtime, when no file of the handler's module exists in the task root.
    const moduleName = basename(modulePath);
    return { errorType: 'Runtime.ImportModuleError', errorMessage: `Error: Cannot find module '${moduleName}'\nRequire stack:\n- /var/runtime/index.mjs`, trace: [] };
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    const body = errorBody(error);
    return { ...body, errorType: 'Runtime.ImportModuleError', errorMessage: `${body.errorType}: ${body.errorMessage}` };
  }
  // CommonJS exports arrive as the namespace's named exports when Node can see them, else under default.
  const found = exported(mod, handlerName) ?? exported(mod.default, handlerName);
  const name = lambdaHandler ?? `${basename(modulePath).replace(/\.[cm]?js$/, '')}.${handlerName}`;
  if (found === undefined) return { errorType: 'Runtime.HandlerNotFound', errorMessage: `${name} is undefined or not exported`, trace: [] };
  if (typeof found !== 'function') return { errorType: 'Runtime.HandlerNotFound', errorMessage: `${name} is not a function`, trace: [] };
  handler = found as Handler;
  return undefined;
}

/** `a.b.c` looked up step by step from `root`, as Lambda resolves a nested handler; undefined where a step is missing. */
function exported(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (node === null || (typeof node !== 'object' && typeof node !== 'function')) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node ?? undefined;
}

/** Runs the handler: a returned promise, or the callback (also context.done/succeed/fail), ends it. */
function run(fn: Handler, event: unknown, context: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) => (error === undefined || error === null ? resolve(result) : reject(error));
    Object.assign(context, { done: callback, succeed: (r: unknown) => callback(null, r), fail: (e: unknown) => callback(e ?? 'handled') });
    const returned = fn(event, context, callback);
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') (returned as PromiseLike<unknown>).then(resolve, reject);
  });
}

async function invoke(message: InvokeMessage): Promise<void> {
  current = { requestId: message.requestId, logs: initLogs };
  initLogs = '';
  const { deadlineMs, ...fields } = message.context;
  const context = {
    ...fields,
    awsRequestId: message.requestId,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  let outcome: { payload: string } | { error: RuntimeErrorBody };
  try {
    const result = await run(handler!, JSON.parse(message.event), context);
    outcome = { payload: JSON.stringify(result) ?? 'null' };
  } catch (error) {
    outcome = { error: errorBody(error) };
  }
  finish(outcome);
}

function finish(outcome: { payload: string } | { error: RuntimeErrorBody }, then?: () => void): void {
  if (current === undefined) return then?.();
  const { requestId, logs } = current;
  current = undefined;
  send({ type: 'result', requestId, logs, memoryUsedMb: Math.round(process.memoryUsage.rss() / 1048576), ...outcome }, then);
}

// An error that escapes the handler ends the environment, as in Lambda: report it, then exit.
process.on('uncaughtException', (error) => finish({ error: errorBody(error) }, () => process.exit(1)));
process.on('unhandledRejection', (reason) => {
  const body = errorBody(reason);
  const error = { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: `${body.errorType}: ${body.errorMessage}`, trace: body.trace };
  finish({ error }, () => process.exit(1));
});
process.on('disconnect', () => process.exit(0));

patchConsole();
const initError = await init();
send({ type: 'ready', logs: initLogs, ...(initError === undefined ? {} : { error: initError }) });
initLogs = initError === undefined ? initLogs : '';
if (initError === undefined) process.on('message', (message: InvokeMessage) => void invoke(message));
