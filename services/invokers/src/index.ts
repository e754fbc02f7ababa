export { HttpInvoker, MAX_RESPONSE_BYTES, RIE_INVOKE_PATH, type HttpInvokerOptions } from './http-invoker.js';
export { FakeInvoker, type FakeStep } from './fake-invoker.js';
export { InvokerRegistry, type InvokerType } from './invoker-registry.js';
export { LambdaInvoker, type LambdaInvokerOptions } from './lambda-invoker.js';
export { classifyLambdaError } from './lambda-invoke-error.js';
export { NodeRuntime, type NodeRuntimeOptions } from './runtime/node-runtime.js';
export { createInvokers, closeInvokers, type Invokers } from './create-invokers.js';
export { invocationLog, LOG_TAIL_BYTES, type InvocationReport } from './runtime/invocation-log.js';
