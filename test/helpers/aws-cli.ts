import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Debian's AWS CLI v2; a v1 shim may come first on PATH, so tests name it. */
export const AWS_CLI = '/usr/bin/aws';

const execFileAsync = promisify(execFile);

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AwsLambdaCliOptions {
  /** The Sluice API the CLI talks to (--endpoint-url). */
  readonly endpointUrl: string;
  /** A scratch HOME for the CLI: no user profile, config or credentials file is read. */
  readonly home: string;
  readonly region: string;
  /** Signing credentials; default test/test. */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
}

/**
 * Runs `aws lambda <args> --endpoint-url <url> --output json` as a user's shell would, in an
 * environment of its own. Never throws, so exit codes can be asserted.
 */
export async function runAwsLambdaCli(args: readonly string[], options: AwsLambdaCliOptions): Promise<CliResult> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.home,
    AWS_ACCESS_KEY_ID: options.accessKeyId ?? 'test',
    AWS_SECRET_ACCESS_KEY: options.secretAccessKey ?? 'test',
    AWS_DEFAULT_REGION: options.region,
    AWS_PAGER: '',
    // No user profile, no retries: each call is one request, and its error is shown as is.
    AWS_CONFIG_FILE: join(options.home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(options.home, 'credentials'),
    AWS_MAX_ATTEMPTS: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  try {
    const { stdout, stderr } = await execFileAsync(AWS_CLI, ['lambda', ...args, '--endpoint-url', options.endpointUrl, '--output', 'json'], { env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}
