/**
 * The clock lease expiry is measured on. Leases expire on Redis's clock (TIME), not the local one,
 * so processes whose clocks disagree still agree on which leases are expired.
 */
export interface LeaseClock {
  nowMs(): Promise<number>;
}
