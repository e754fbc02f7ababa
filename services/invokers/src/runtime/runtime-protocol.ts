/**
 * Messages between the worker (parent) and an execution environment (a child process), over Node's
 * IPC channel. Type-only: the child imports nothing at run time but node: modules.
 */

/** Lambda's Node runtime error body: https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html */
export interface RuntimeErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** What the context object is built from (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). */
export interface InvokeContextFields {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Epoch ms at which the invocation times out. */
  readonly deadlineMs: number;
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  /** The event as JSON text. */
  readonly event: string;
  readonly context: InvokeContextFields;
}

/** Sent once, after the module was imported (the Init phase) or failed to be. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly error?: RuntimeErrorBody;
  /** Output written while the module loaded. */
  readonly logs: string;
}

export interface ResultMessage {
  readonly type: 'result';
  readonly requestId: string;
  /** JSON text of the handler's result ('null' for undefined); absent on error. */
  readonly payload?: string;
  readonly error?: RuntimeErrorBody;
  /** Console output of this invocation, Lambda-formatted lines. */
  readonly logs: string;
  /** Resident set size at the end, in MB (REPORT's Max Memory Used). */
  readonly memoryUsedMb: number;
}

export type ParentMessage = InvokeMessage;
export type ChildMessage = ReadyMessage | ResultMessage;
