import { z } from 'zod';
import type { ContractOperation } from './contract-operation.js';

/** The probes every role with a port answers (api and ingress health routes), open without a credential. */
export const HEALTH_OPERATIONS: readonly ContractOperation[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process answers.',
    secured: false,
    responses: { 200: { description: 'Alive.', body: z.object({ status: z.literal('ok') }) } },
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Redis answers.',
    secured: false,
    responses: {
      200: { description: 'Ready.', body: z.object({ status: z.literal('ready') }) },
      503: { description: 'Redis does not answer.', body: z.object({ status: z.literal('redis unavailable') }) },
    },
  },
];
