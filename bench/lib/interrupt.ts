/**
 * Stops what a bench started (Sluice, redis-server, kinesis-local) when it is interrupted: Node.js
 * runs no 'exit' handler on SIGINT or SIGTERM, so without this they would outlive a Ctrl-C.
 */
const stops = new Set<() => Promise<void>>();
let installed = false;

export function stopOnInterrupt(stop: () => Promise<void>): () => void {
  if (!installed) {
    installed = true;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: stopping what the bench started`);
        void (async () => {
          // Newest first: Sluice stops while the Redis it checkpoints to is still there.
          for (const stop of [...stops].reverse()) await stop().catch(() => undefined);
          process.exit(130);
        })();
      });
    }
  }
  stops.add(stop);
  return () => stops.delete(stop);
}
