import { readFile, readdir, readlink } from 'node:fs/promises';

const LISTEN = '0A';

/**
 * The local addresses TCP sockets listen on for `port`, from the kernel's own tables
 * (/proc/net/tcp and tcp6; Linux, like every machine the team and CI use). `['127.0.0.1']` means
 * loopback only; `0.0.0.0` or `::` would mean every interface.
 */
export async function listeningAddresses(port: number): Promise<string[]> {
  return (await listeningSockets(port)).map((socket) => socket.address);
}

/** The pids of processes holding a socket that listens on `port` (this user's processes only). */
export async function listeningPids(port: number): Promise<number[]> {
  const inodes = new Set((await listeningSockets(port)).map((socket) => `socket:[${socket.inode}]`));
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => []);
    for (const fd of fds) {
      if (inodes.has(await readlink(`/proc/${entry}/fd/${fd}`).catch(() => ''))) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids;
}

async function listeningSockets(port: number): Promise<{ address: string; inode: string }[]> {
  const found: { address: string; inode: string }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [, local, , state] = fields;
      if (local === undefined || state !== LISTEN) continue;
      const [hexAddress, hexPort] = local.split(':');
      if (Number.parseInt(hexPort ?? '', 16) === port) found.push({ address: decodeAddress(hexAddress ?? ''), inode: fields[9] ?? '' });
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
