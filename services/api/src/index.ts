export { startApiRole, type RunningApi } from './api-role.js';
export { buildApp, type ApiDeps } from './app.js';
export { FUNCTIONS_PATH } from './routes/functions.js';
