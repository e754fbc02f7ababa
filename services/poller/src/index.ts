export { startPollerRole, type RunningPoller } from './poller-role.js';
export { BullmqDispatcher } from './dispatch/bullmq-dispatcher.js';
