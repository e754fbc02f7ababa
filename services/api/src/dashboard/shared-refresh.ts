/**
 * Wraps `build` so that every caller within `ttlMs` of a build shares its answer (and callers
 * during a build share that build): however many dashboards poll, the stores are read at most
 * once per `ttlMs`. A failed build is not kept.
 */
export function sharedRefresh<T>(build: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (last !== undefined && now() - last.at < ttlMs) return last.value;
    const value = build();
    const entry = { at: now(), value };
    last = entry;
    value.catch(() => {
      if (last === entry) last = undefined;
    });
    return value;
  };
}
