/** The roles one Sluice process can play; docker-compose runs each in its own container. */
export const ROLES = ['api', 'poller', 'ingress', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
