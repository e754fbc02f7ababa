/** Where one window's state lives: a mapping's shard of one stream incarnation, and the window's start. */
export interface WindowStateKey {
  readonly mappingId: string;
  readonly streamIdentity: string;
  readonly shardId: string;
  readonly windowStartMs: number;
}

/**
 * A window's running state between invocations. `version` grows with every write, so a write made
 * from an older read (a worker that lost its job, a duplicate) is refused instead of overwriting.
 */
export interface WindowStateRecord {
  /** The function's last returned `state`, as JSON (`{}` before the first invocation). */
  readonly stateJson: string;
  /** 0 when nothing was written yet. */
  readonly version: number;
  /** The last record folded into the state (of any segment of the window): later re-reads skip up to it. */
  readonly through?: string;
  /** The last record whose window (or early-terminated segment) had its final invocation. */
  readonly finalizedThrough?: string;
  /** The state passed the size cap: the window ends early. */
  readonly overCap: boolean;
}

/** Why a write did not happen: another write came first (the caller re-reads and retries). */
export type WindowStateWrite = 'written' | 'conflict';

/**
 * The running state of tumbling windows (TumblingWindowInSeconds), kept between invocations.
 * Every write is one conditional script: the version read must still be the stored one.
 */
export interface WindowStateStore {
  read(key: WindowStateKey): Promise<WindowStateRecord>;
  /** Stores what an invocation returned; `overCap` when its size passes the configured cap. */
  save(key: WindowStateKey, expectedVersion: number, update: { readonly stateJson: string; readonly through?: string }): Promise<WindowStateWrite>;
  /**
   * After a successful final invocation: drops the state (a fresh `{}` for what follows, when the
   * window only ended early) and remembers how far it was finalized, so a re-run does not invoke again.
   */
  close(key: WindowStateKey, expectedVersion: number, finalizedThrough: string, windowOver: boolean): Promise<WindowStateWrite>;
}
