/**
 * The poller processes alive in an installation, so a lease taker knows how many share the leases
 * (its fair share). A process heartbeats more often than its ttl; one that dies drops out when its
 * last heartbeat runs out, on Redis's clock.
 */
export interface WorkerRegistry {
  /** Registers the worker, or keeps it registered, until ttlMs from now. */
  heartbeat(workerId: string, ttlMs: number): Promise<void>;
  /** Unregisters at once (graceful stop), so the others take its share without waiting for expiry. */
  remove(workerId: string): Promise<void>;
  liveWorkers(): Promise<string[]>;
}
