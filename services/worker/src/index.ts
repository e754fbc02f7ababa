export { startWorkerRole, type RunningWorker, type WorkerRoleDeps } from './worker-role.js';
export { createStreamBatchProcessor, type StreamBatchProcessor, type StreamBatchProcessorDeps, type ProcessableJob } from './stream-batch-processor.js';
export { decideAfterAttempt, decideBeforeInvoke, recordAgeExceeded, type AttemptResult, type RetryDecision, type RetryReason } from './retry-policy.js';
export { createDeadLetterReplayer, type DeadLetterReplayerDeps } from './dead-letter-replayer.js';
export { createAsyncInvocationProcessor, type AsyncInvocationProcessor, type AsyncInvocationProcessorDeps, type AsyncInvocationOutcome, type AsyncProcessableJob } from './async-invocation-processor.js';
export { startAsyncInvocationWorker, createFunctionDestination, type AsyncInvocationWorkerDeps } from './async-invocation-worker.js';
export { decideAfterAttempt as decideAfterAsyncAttempt, decideBeforeAttempt as decideBeforeAsyncAttempt, eventDeadline, NO_ATTEMPTS, type AsyncAttempts, type AsyncLimits, type AsyncDecision, type AsyncRetrySettings } from './async-retry-policy.js';
