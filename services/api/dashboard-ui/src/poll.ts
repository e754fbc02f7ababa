import { useEffect, useState } from 'preact/hooks';

export interface Polled<T> {
  readonly data?: T;
  readonly error?: Error;
  /** When the last answer came (page clock). */
  readonly at?: number;
  /** Loads again now (after a replay or a purge), then keeps polling. */
  reload(): void;
}

/**
 * Calls `load` now and then `intervalMs` after each answer (never two at once), while the tab is
 * visible: a hidden tab costs the server nothing. An error keeps the last data beside it.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: readonly unknown[]): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, 'reload'>>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (!document.hidden) {
        try {
          const data = await load();
          if (!stopped) setState({ data, at: Date.now() });
        } catch (error) {
          if (!stopped) setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) }));
        }
      }
      if (!stopped) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [...deps, round, intervalMs]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}
