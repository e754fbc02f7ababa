import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** schemathesis in the repository's .venv (test/run-all.sh installs it beside moto). */
export const SCHEMATHESIS_BIN = fileURLToPath(new URL('../../.venv/bin/schemathesis', import.meta.url));

/**
 * The checks a run applies, by schemathesis v4's names: no 5xx, and every answer within the
 * document (its status, content type and body schema).
 * https://schemathesis.readthedocs.io/en/stable/reference/checks/
 */
export const CONTRACT_CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'] as const;

export interface FuzzRun {
  readonly exitCode: number | null;
  readonly output: string;
  /** "Operations: N selected / M total". */
  readonly operations: number;
  /** "Test cases: N generated, ...". */
  readonly generated: number;
}

export interface FuzzOptions {
  /** The document's URL; its operations are called on the same origin. */
  readonly schemaUrl: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Test cases per operation and phase. */
  readonly maxExamples: number;
  readonly seed: number;
  readonly timeoutMs: number;
}

/**
 * One `schemathesis run` against a live server, with one worker (hypothesis describes its
 * strategies with `ast.parse`, which fails on Python 3.11 when several threads do it at once).
 */
export function runSchemathesis(options: FuzzOptions): Promise<FuzzRun> {
  const args = [
    'run',
    options.schemaUrl,
    '--checks',
    CONTRACT_CHECKS.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--seed',
    String(options.seed),
    '--workers',
    '1',
    '--request-timeout',
    '10',
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
  ];
  const child = spawn(SCHEMATHESIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', COLUMNS: '200' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        output,
        operations: Number(/Operations:\s+(\d+) selected/.exec(output)?.[1] ?? 0),
        generated: Number(/(\d+) generated/.exec(output)?.[1] ?? 0),
      });
    });
  });
}
