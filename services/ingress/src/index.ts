export { startIngressRole, type RunningIngress } from './ingress-role.js';
export { buildIngressApp, type IngressDeps } from './app.js';
