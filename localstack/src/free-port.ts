import { createServer, createConnection } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, as the OS picks it for port 0.
 * Another process may take it before the caller binds it; callers start their service right away.
 */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('listen(0) gave no TCP port');
  return address.port;
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function isPortInUse(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (inUse: boolean) => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
