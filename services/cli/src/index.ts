export { runRoles, type RunningRoles } from './run-roles.js';
export { ROLES, isRole, type Role } from './roles.js';
