export { startWorkerRole, type RunningWorker, type WorkerRoleDeps } from './worker-role.js';
export { createStreamBatchProcessor, type StreamBatchProcessor, type StreamBatchProcessorDeps, type ProcessableJob } from './stream-batch-processor.js';
export { decideAfterAttempt, decideBeforeInvoke, recordAgeExceeded, type AttemptResult, type RetryDecision, type RetryReason } from './retry-policy.js';
export { HttpInvoker, MAX_RESPONSE_BYTES, type HttpInvokerOptions } from './invokers/http-invoker.js';
export { FakeInvoker, type FakeStep } from './invokers/fake-invoker.js';
export { InvokerRegistry, type InvokerType } from './invokers/invoker-registry.js';
export { RIE_INVOKE_PATH } from './invokers/http-invoker.js';
export { LambdaInvoker, type LambdaInvokerOptions } from './invokers/lambda-invoker.js';
export { classifyLambdaError } from './invokers/lambda-invoke-error.js';
