'use strict';
// Preloaded with `node -r` into kinesis-local, which has no host option and would otherwise listen on
// every interface: a development emulator must not be reachable from the network. Every
// net.Server.listen call (plain and TLS, all call shapes) is rewritten to bind 127.0.0.1.
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen({ port, host, ... }, cb): unix-socket paths and handles are left alone.
    if (first.path === undefined && first.handle === undefined && first._handle === undefined && first.fd === undefined) {
      args[0] = { ...first, host: LOOPBACK };
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, cb]): drop any host given and put ours in its place.
    const rest = args.slice(1);
    if (typeof rest[0] === 'string') rest.shift();
    args = [first, LOOPBACK, ...rest];
  }
  return originalListen.apply(this, args);
};
