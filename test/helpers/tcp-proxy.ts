import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** A loopback TCP pass-through to a service, that a test can take down and bring back on the same port. */
export interface TcpProxy {
  /** http://127.0.0.1:<port>: what the client under test is pointed at. */
  readonly url: string;
  /** Closes the port and cuts every connection: the client sees a closed port (ECONNREFUSED). */
  refuse(): Promise<void>;
  /** Listens again on the same port. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:<free port> to `target` (an http://host:port URL). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  let server: Server | undefined;
  const listen = async (onPort: number) => {
    server = createServer((downstream) => {
      const upstream = connect(Number(port), hostname);
      track(downstream);
      track(upstream);
      downstream.pipe(upstream).pipe(downstream);
      downstream.on('error', () => upstream.destroy());
      upstream.on('error', () => downstream.destroy());
    });
    server.listen(onPort, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const refuse = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  const proxyPort = await listen(0);
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    refuse,
    accept: async () => {
      if (server === undefined) await listen(proxyPort);
    },
    close: refuse,
  };
}
