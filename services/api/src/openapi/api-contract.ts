import { z } from 'zod';
import { HEALTH_OPERATIONS, type ContractOperation, type ContractResponse } from '@sluice/shared';
import { dashboardSnapshotSchema } from '../dashboard/dashboard-snapshot-schema.js';
import { deadLetterPageSchema, deadLetterSchema, purgeResultSchema } from '../dead-letters/dead-letter-wire-schema.js';
import { createFunctionRequest, updateFunctionRequest } from '../functions/function-request-schemas.js';
import { functionConfigurationSchema, functionPageSchema } from '../functions/function-wire-schema.js';
import { DASHBOARD_SNAPSHOT_PATH } from '../routes/dashboard.js';
import { DEAD_LETTERS_PATH, listDeadLettersQuery, purgeDeadLettersQuery } from '../routes/dead-letters.js';
import { FILTER_CRITERIA_TEST_PATH, filterTestRequest } from '../routes/filter-criteria-test.js';
import { FUNCTIONS_PATH, listRegistryFunctionsQuery } from '../routes/functions.js';
import { createS3BindingRequest, listS3BindingsQuery } from '../s3-bindings/s3-binding-request-schemas.js';
import { s3BindingPageSchema, s3BindingWireSchema } from '../s3-bindings/s3-binding-wire-schema.js';
import { S3_BINDINGS_PATH } from '../routes/s3-bindings.js';
import { BAD_REQUEST, BODY_REFUSALS, CONFLICT, NOT_FOUND, TOO_MANY_REQUESTS, UNAUTHORISED } from './api-error-responses.js';

/** Where the API serves its own OpenAPI document. */
export const OPENAPI_PATH = '/sluice/v1/openapi.json';

const byName = z.object({ name: z.string().min(1) });
const byId = z.object({ id: z.string().min(1) });
const empty = { description: 'Done; no body.' };

/** Links from an answer naming a function (FunctionName) to the operations on it. */
const functionLinks = {
  GetFunction: { operationId: 'getFunction', parameters: { name: '$response.body#/FunctionName' } },
  UpdateFunction: { operationId: 'updateFunction', parameters: { name: '$response.body#/FunctionName' } },
  DeleteFunction: { operationId: 'deleteFunction', parameters: { name: '$response.body#/FunctionName' } },
};
const bindingLinks = {
  GetS3Binding: { operationId: 'getS3Binding', parameters: { id: '$response.body#/Id' } },
  DeleteS3Binding: { operationId: 'deleteS3Binding', parameters: { id: '$response.body#/Id' } },
};

/** Refusals every secured call may get; `withBody` adds those of a call with a body. */
const refusals = (withBody = false): Record<number, ContractResponse> => (withBody ? { ...BAD_REQUEST, ...UNAUTHORISED, ...BODY_REFUSALS } : { ...BAD_REQUEST, ...UNAUTHORISED });

const filterTestResult = z.object({ Result: z.boolean(), Reasons: z.array(z.string()), SourceType: z.enum(['kinesis', 'sqs', 'dynamodb', 'json']) });

/** Sluice's own operations on the API port (Lambda's are documented by AWS's own model). */
export const API_OPERATIONS: readonly ContractOperation[] = [
  ...HEALTH_OPERATIONS,
  {
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: "This process's metrics, in Prometheus' text format.",
    responses: { 200: { description: 'The metrics.', mediaType: 'text/plain' }, ...UNAUTHORISED },
  },
  {
    method: 'get',
    path: OPENAPI_PATH,
    operationId: 'openApiDocument',
    summary: 'This document.',
    responses: { 200: { description: 'The OpenAPI 3.1 document.', body: z.record(z.string(), z.unknown()) }, ...UNAUTHORISED },
  },
  {
    method: 'post',
    path: FUNCTIONS_PATH,
    operationId: 'registerFunction',
    summary: 'Registers a function and how Sluice calls it.',
    body: createFunctionRequest,
    responses: { 201: { description: 'Registered.', body: functionConfigurationSchema, links: functionLinks }, ...refusals(true), ...CONFLICT },
  },
  {
    method: 'get',
    path: FUNCTIONS_PATH,
    operationId: 'listFunctions',
    summary: 'Lists registered functions, 50 a page.',
    query: listRegistryFunctionsQuery,
    responses: { 200: { description: 'A page of functions.', body: functionPageSchema }, ...refusals() },
  },
  {
    method: 'get',
    path: `${FUNCTIONS_PATH}/:name`,
    operationId: 'getFunction',
    summary: 'One function, by name, partial ARN or ARN.',
    params: byName,
    responses: { 200: { description: 'The function.', body: functionConfigurationSchema }, ...refusals(), ...NOT_FOUND },
  },
  {
    method: 'put',
    path: `${FUNCTIONS_PATH}/:name`,
    operationId: 'updateFunction',
    summary: 'Changes what the body names.',
    params: byName,
    body: updateFunctionRequest,
    responses: { 200: { description: 'The function as changed.', body: functionConfigurationSchema, links: functionLinks }, ...refusals(true), ...NOT_FOUND },
  },
  {
    method: 'delete',
    path: `${FUNCTIONS_PATH}/:name`,
    operationId: 'deleteFunction',
    summary: 'Deletes a function no mapping or S3 binding uses.',
    params: byName,
    responses: { 204: empty, ...refusals(true), ...NOT_FOUND, ...CONFLICT },
  },
  {
    method: 'get',
    path: DEAD_LETTERS_PATH,
    operationId: 'listDeadLetters',
    summary: 'Lists dead letters, newest first, 50 a page.',
    query: listDeadLettersQuery,
    responses: { 200: { description: 'A page of dead letters, without payloads.', body: deadLetterPageSchema }, ...refusals() },
  },
  {
    method: 'delete',
    path: DEAD_LETTERS_PATH,
    operationId: 'purgeDeadLetters',
    summary: "Purges a mapping's or a function's dead letters.",
    query: purgeDeadLettersQuery,
    responses: { 200: { description: 'How many were purged.', body: purgeResultSchema }, ...refusals(true) },
  },
  {
    method: 'get',
    path: `${DEAD_LETTERS_PATH}/:id`,
    operationId: 'getDeadLetter',
    summary: 'One dead letter with its payload.',
    params: byId,
    responses: { 200: { description: 'The dead letter.', body: deadLetterSchema }, ...refusals(), ...NOT_FOUND },
  },
  {
    method: 'delete',
    path: `${DEAD_LETTERS_PATH}/:id`,
    operationId: 'deleteDeadLetter',
    summary: 'Removes one dead letter.',
    params: byId,
    responses: { 204: empty, ...refusals(true), ...NOT_FOUND },
  },
  {
    method: 'post',
    path: `${DEAD_LETTERS_PATH}/:id/replay`,
    operationId: 'replayDeadLetter',
    summary: 'Queues one replay of a dead letter to its function.',
    params: byId,
    responses: { 202: { description: 'Queued.', body: deadLetterSchema }, ...refusals(true), ...NOT_FOUND },
  },
  {
    method: 'post',
    path: S3_BINDINGS_PATH,
    operationId: 'createS3Binding',
    summary: 'Binds bucket events to a function (S3 notification rules).',
    body: createS3BindingRequest,
    responses: { 201: { description: 'Bound.', body: s3BindingWireSchema, links: bindingLinks }, ...refusals(true), ...NOT_FOUND, ...CONFLICT, ...TOO_MANY_REQUESTS },
  },
  {
    method: 'get',
    path: S3_BINDINGS_PATH,
    operationId: 'listS3Bindings',
    summary: 'Lists S3 bindings, 50 a page.',
    query: listS3BindingsQuery,
    responses: { 200: { description: 'A page of bindings.', body: s3BindingPageSchema }, ...refusals() },
  },
  {
    method: 'get',
    path: `${S3_BINDINGS_PATH}/:id`,
    operationId: 'getS3Binding',
    summary: 'One S3 binding.',
    params: byId,
    responses: { 200: { description: 'The binding.', body: s3BindingWireSchema }, ...refusals(), ...NOT_FOUND },
  },
  {
    method: 'delete',
    path: `${S3_BINDINGS_PATH}/:id`,
    operationId: 'deleteS3Binding',
    summary: 'Removes an S3 binding (and the notification Sluice wired for it).',
    params: byId,
    responses: { 204: empty, ...refusals(true), ...NOT_FOUND, ...TOO_MANY_REQUESTS },
  },
  {
    method: 'post',
    path: FILTER_CRITERIA_TEST_PATH,
    operationId: 'testFilterCriteria',
    summary: 'Whether Lambda would deliver a record under FilterCriteria, and why not.',
    body: filterTestRequest,
    responses: { 200: { description: 'The verdict and its reasons.', body: filterTestResult }, ...refusals(true) },
  },
  {
    method: 'get',
    path: DASHBOARD_SNAPSHOT_PATH,
    operationId: 'dashboardSnapshot',
    summary: 'What the dashboard shows, live.',
    responses: { 200: { description: 'The snapshot.', body: dashboardSnapshotSchema }, ...refusals() },
  },
];
