import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string | number | boolean | null> }>;
}

const composePath = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));

/**
 * A service's `environment` as docker-compose.yml gives it (anchors merged, `${VAR:-default}`
 * taking its default), with the compose network's addresses replaced: each key of `addresses` (a
 * value or part of one, e.g. `redis://redis:6379`) by its value (the host's Redis). Throws if a
 * value still names a compose service's host, so a new address in the file cannot slip through.
 */
export function composeEnvironment(service: string, addresses: Readonly<Record<string, string>>): Record<string, string> {
  const file = parse(readFileSync(composePath, 'utf8'), { merge: true }) as ComposeFile;
  const environment = file.services[service]?.environment;
  if (environment === undefined) throw new Error(`docker-compose.yml has no service "${service}" with an environment`);
  const hosts = Object.keys(file.services);
  return Object.fromEntries(
    Object.entries(environment).map(([key, raw]) => {
      let value = String(raw ?? '').replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
      for (const [from, to] of Object.entries(addresses)) value = value.split(from).join(to);
      const named = hosts.find((host) => new RegExp(`(^|//|@|,)${host}(:\\d|$)`).test(value));
      if (named !== undefined) throw new Error(`${service}'s ${key}=${value} still names the compose host "${named}"`);
      return [key, value];
    }),
  );
}
