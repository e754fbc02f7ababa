import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROLES } from '../../services/cli/src/roles.js';

// docker-compose.yml and the Dockerfile are how users run Sluice with LocalStack. No Docker engine
// runs here, so they are validated offline: dclint checks the Compose specification and our rules
// (.dclintrc), Debian's docker-compose v1 parses the file as Compose itself does, and the parsed
// YAML is checked for the wiring Sluice's roles need.

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const composePath = join(root, 'docker-compose.yml');
const roles = ['api', 'poller', 'ingress', 'worker'] as const;

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string }>;
  ports?: string[];
  profiles?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[] | string };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

function loadCompose(text: string): ComposeFile {
  // `merge: true` resolves `<<: *anchor` the way Compose does.
  return parse(text, { merge: true }) as ComposeFile;
}

function service(file: ComposeFile, name: string): ComposeService {
  const found = file.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** The docker-compose v1 binary: Debian's, else the first on PATH; undefined when not installed. */
function findComposeV1(): string | undefined {
  const candidates = ['/usr/bin/docker-compose', ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'docker-compose'))];
  return candidates.find((path) => existsSync(path));
}

describe('docker-compose.yml', () => {
  const compose = loadCompose(readFileSync(composePath, 'utf8'));

  it('passes dclint with no errors and no warnings', async () => {
    const result = await run('npx', ['--no-install', 'dclint', '--max-warnings', '0', '--color', 'false', 'docker-compose.yml'], {
      cwd: root,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? -1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );

    expect(result.output.trim(), 'dclint reported problems').toBe('');
    expect(result.code).toBe(0);
  });

  it('is accepted by docker-compose v1 (`config -q`), which resolves the anchors as our parser does', async () => {
    const binary = findComposeV1();
    if (binary === undefined) {
      expect.fail('docker-compose (v1) is not installed: `apt-get install -y docker-compose` (the test stack installs it)');
    }

    await expect(run(binary, ['-f', composePath, 'config', '-q'], { cwd: root })).resolves.toBeDefined();
    const { stdout } = await run(binary, ['-f', composePath, 'config'], { cwd: root });
    const resolved = loadCompose(stdout);
    for (const name of ['seed', ...roles]) {
      expect(service(resolved, name).command, name).toEqual(service(compose, name).command);
      expect(service(resolved, name).image, name).toBe(service(compose, name).image);
      expect(Object.keys(service(resolved, name).depends_on ?? {}).sort(), name).toEqual(
        Object.keys(service(compose, name).depends_on ?? {}).sort(),
      );
    }
  });

  it('runs each role the `sluice` command knows in a container of its own', () => {
    expect([...roles].sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) expect(Object.keys(compose.services)).toContain(role);
  });

  it('runs every role and the seed from the one Sluice image, built from the Dockerfile', () => {
    const images = ['seed', ...roles].map((name) => ({ name, image: service(compose, name).image, build: service(compose, name).build }));

    for (const { name, image, build } of images) {
      expect(image, name).toBe('sluice:local');
      expect(build, name).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    }
  });

  it.each(roles)('starts role %s with `start --role <role>`, Redis and LocalStack endpoints', (role) => {
    const { command, environment } = service(compose, role);

    expect(command).toEqual(['start', '--role', role]);
    expect(environment).toMatchObject({
      REDIS_URL: 'redis://redis:6379',
      AWS_ENDPOINT_URL: 'http://localstack:4566',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
  });

  it.each(roles)('starts role %s only after Redis and LocalStack are healthy and the seed has succeeded', (role) => {
    expect(service(compose, role).depends_on).toEqual({
      redis: { condition: 'service_healthy' },
      localstack: { condition: 'service_healthy' },
      seed: { condition: 'service_completed_successfully' },
    });
  });

  it('seeds LocalStack once it is healthy, with `sluice seed`', () => {
    const seed = service(compose, 'seed');

    expect(seed.command).toEqual(['seed']);
    expect(seed.environment).toMatchObject({ AWS_ENDPOINT_URL: 'http://localstack:4566', AWS_REGION: 'us-east-1' });
    expect(seed.depends_on).toEqual({ localstack: { condition: 'service_healthy' } });
  });

  it('publishes the API on 9070 and binds it to all interfaces inside its container', () => {
    const api = service(compose, 'api');

    expect(api.environment).toMatchObject({ SLUICE_HOST: '0.0.0.0', SLUICE_PORT: 9070 });
    expect(api.ports?.some((port) => /(^|:)9070:9070$/.test(port))).toBe(true);
    expect(JSON.stringify(api.healthcheck?.test)).toContain('http://127.0.0.1:9070/readyz');
  });

  it('gives Redis and LocalStack healthchecks, and LocalStack every service Sluice uses', () => {
    const redis = service(compose, 'redis');
    const localstack = service(compose, 'localstack');
    const services = String(localstack.environment?.SERVICES ?? '').split(',');

    expect(redis.image).toBe('redis:7');
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(localstack.image).toMatch(/^localstack\/localstack:\d+\.\d+\.\d+$/);
    expect(services.sort()).toEqual(['dynamodb', 'dynamodbstreams', 'kinesis', 's3', 'sns', 'sqs']);
    expect(JSON.stringify(localstack.healthcheck?.test)).toContain('/_localstack/health');
  });

  it('counts LocalStack healthy once Kinesis is available, whatever DynamoDB and the others report, so nothing waits forever on a service it lacks', async () => {
    // Arrange: the healthcheck's own shell command, pointed at a stand-in for LocalStack's health endpoint.
    const test = service(compose, 'localstack').healthcheck?.test;
    expect(Array.isArray(test) && test[0]).toBe('CMD-SHELL');
    let health: Record<string, string> = {};
    const server = createServer((_request, response) => response.end(JSON.stringify({ services: health, edition: 'community' })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Compose writes a literal $ as $$; the command asks 127.0.0.1:4566 inside the container.
    const command = String((test as string[])[1]).replaceAll('$$', '$').replaceAll('127.0.0.1:4566', `127.0.0.1:${port}`);
    const healthy = async (services: Record<string, string>) => {
      health = services;
      return run('sh', ['-c', command]).then(() => true, () => false);
    };
    const rest = { dynamodbstreams: 'available', s3: 'running', sns: 'available', sqs: 'available' };

    // Act
    const verdicts = {
      allThere: await healthy({ kinesis: 'running', dynamodb: 'available', ...rest }),
      withoutDynamodb: await healthy({ kinesis: 'available', dynamodb: 'disabled', ...rest }),
      dynamodbFailing: await healthy({ kinesis: 'available', dynamodb: 'error', ...rest }),
      withoutKinesis: await healthy({ kinesis: 'disabled', dynamodb: 'available', ...rest }),
    };
    await new Promise((resolve) => server.close(resolve));

    // Assert
    expect(verdicts).toEqual({ allThere: true, withoutDynamodb: true, dynamodbFailing: true, withoutKinesis: false });
  });

  it('keeps the example Lambda container image behind the `examples` profile', () => {
    const example = service(compose, 'example-function');

    expect(example.profiles).toEqual(['examples']);
    expect(example.image).toBe('public.ecr.aws/lambda/nodejs:20');
    expect(example.ports?.some((port) => port.endsWith(':8080'))).toBe(true);
    expect(example.volumes?.[0]).toMatch(/^\.\/localstack\/compose\/example-function:\/var\/task/);
    expect(existsSync(join(root, 'localstack/compose/example-function/index.mjs'))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('builds on Node.js 22 (the AWS SDK needs it from 2027), with npm ci and the TypeScript build, and prunes dev dependencies', () => {
    expect(instructions).toContain('ARG NODE_IMAGE=node:22-bookworm-slim');
    expect(instructions.filter((line) => line.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(instructions.some((line) => line.startsWith('RUN npm ci'))).toBe(true);
    expect(instructions.some((line) => /^RUN npm run build .*npm prune --omit=dev/.test(line))).toBe(true);
  });

  it('runs `sluice start --role all` as a non-root user', () => {
    const user = instructions.filter((line) => line.startsWith('USER ')).at(-1);

    expect(user).toBe('USER node');
    expect(instructions).toContain('ENTRYPOINT ["node", "services/cli/dist/main.js"]');
    expect(instructions).toContain('CMD ["start", "--role", "all"]');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.sluice).toBe('services/cli/dist/main.js');
  });

  it('copies the manifest of every npm workspace before `npm ci`', () => {
    // The manifests stage finds package.json files up to two levels under these folders.
    const searched = /find ((?:[\w-]+ )+)-maxdepth 2 -name package\.json/.exec(dockerfile)?.[1]?.trim().split(' ');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };

    expect(searched).toBeDefined();
    for (const workspace of pkg.workspaces) {
      const [top, ...rest] = workspace.split('/');
      expect(searched, `workspace ${workspace}`).toContain(top);
      expect(rest.length, `workspace ${workspace} is too deep for -maxdepth 2`).toBeLessThanOrEqual(1);
    }
  });

  it('keeps sources and manifests in the build context (.dockerignore)', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const needed = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.base.json', 'shared', 'services', 'localstack', 'src'];

    for (const path of needed) expect(ignored, path).not.toContain(path);
    expect(ignored).toContain('**/node_modules');
    expect(ignored).toContain('**/dist');
  });
});
