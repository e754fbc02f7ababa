export { startPollerRole, type RunningPoller } from './poller-role.js';
