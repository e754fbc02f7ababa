import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startLocalStackHost, type LocalStackHost } from '@sluice/localstack';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where test/run-all.sh and this helper install LocalStack (gitignored). */
export const LOCALSTACK_VENV = `${repoRoot}.cache/localstack-venv`;

/**
 * A real LocalStack (the community runtime docker-compose.yml runs, in host mode) on
 * 127.0.0.1:`port` (0: a free one), with `services` and LocalStack settings `env`. Installs it
 * first when the venv is missing or was made from other pins (localstack/host-mode/install.sh:
 * ~15 s from PyPI, nothing when installed).
 */
export async function startTestLocalStack(services: readonly string[], env: Record<string, string> = {}, port = 0): Promise<LocalStackHost> {
  await promisify(execFile)('bash', [`${repoRoot}localstack/host-mode/install.sh`, LOCALSTACK_VENV], { timeout: 300_000 });
  return startLocalStackHost({ venvPath: LOCALSTACK_VENV, port, services, env });
}
