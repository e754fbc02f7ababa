import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteRedisPrefix } from '../helpers/delete-redis-prefix.js';
import { runSchemathesis } from '../helpers/schemathesis.js';
import { callSluiceApi, stackEnv, startSluice, type SluiceProcess } from '../helpers/sluice-process.js';
import { uniqueName } from '../helpers/unique-name.js';

// schemathesis against a live Sluice (`start --role all`: the api and the ingress as one process,
// with the API token and the ingress secret set), for every operation of both OpenAPI documents:
// no 5xx, and nothing outside the document. CI runs the short form; `npm run test:fuzz` the full
// one (SLUICE_FUZZ_EXAMPLES cases per operation and phase, SLUICE_FUZZ_SEED, random by default).
const stack = inject('stack');
const prefix = uniqueName('e2e-fuzz');
// One value for both: the token the API and the ingress's /metrics want, and the push secret.
const token = 'fuzz-token-0123456789';
const examples = Number(process.env.SLUICE_FUZZ_EXAMPLES ?? 15);
// CI's short form always replays one seed; `random` (the full form's default) explores anew each run.
const seedSetting = process.env.SLUICE_FUZZ_SEED ?? '20261207';
const seed = seedSetting === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(seedSetting);
// A generous ceiling per document: a run takes about 1 s per 10 cases here, shrinking included.
const runTimeoutMs = 60_000 + examples * 4_000;

let sluice: SluiceProcess;
let ingressUrl: string;

beforeAll(async () => {
  sluice = await startSluice({
    args: ['start', '--role', 'all'],
    env: stackEnv(stack, prefix, { AWS_ENDPOINT_URL: stack.motoEndpoint, SLUICE_API_TOKEN: token, SLUICE_INGRESS_SECRET: token }),
    timeoutMs: 40_000,
  });
  ingressUrl = /Sluice ingress listening on (http:\/\/\S+)/.exec(sluice.output())![1]!;
});

afterAll(async () => {
  await sluice?.stop();
  await deleteRedisPrefix(stack.redisUrl, prefix);
});

const auth = { authorization: `Bearer ${token}` };

describe(`schemathesis against a live Sluice (${examples} cases per operation, seed ${seed})`, () => {
  it.each([
    ['api', () => `${sluice.url}/sluice/v1/openapi.json`],
    ['ingress', () => `${ingressUrl}/openapi.json`],
  ])(
    '%s: every documented operation answers within its document, never with a 5xx',
    async (_name, schemaUrl) => {
      const document = await callSluiceApi(schemaUrl(), 'GET', '', undefined, auth);
      expect(document.status).toBe(200);
      // schemathesis leaves out the operation that serves the document it loaded (fetched just above).
      const operations = Object.values(document.body.paths as Record<string, object>).reduce<number>((n, ops) => n + Object.keys(ops).length, 0) - 1;

      const run = await runSchemathesis({ schemaUrl: schemaUrl(), headers: auth, maxExamples: examples, seed, timeoutMs: runTimeoutMs });

      expect(run.exitCode, run.output.slice(-6000)).toBe(0);
      expect(run.operations).toBe(operations);
      expect(run.generated).toBeGreaterThan(operations * 5);
    },
    runTimeoutMs + 10_000,
  );
});
