import { readFile } from 'node:fs/promises';

const LISTEN = '0A';

/**
 * The local addresses TCP sockets listen on for `port`, from the kernel's own tables
 * (/proc/net/tcp and tcp6; Linux, like every machine the team and CI use). `['127.0.0.1']` means
 * loopback only; `0.0.0.0` or `::` would mean every interface.
 */
export async function listeningAddresses(port: number): Promise<string[]> {
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local === undefined || state !== LISTEN) continue;
      const [hexAddress, hexPort] = local.split(':');
      if (Number.parseInt(hexPort ?? '', 16) === port) found.push(decodeAddress(hexAddress ?? ''));
    }
  }
  return found;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    // IPv4, little-endian on the machines we run on.
    return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join('.');
  }
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  return hex;
}
