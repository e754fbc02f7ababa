import { useEffect, useState } from 'preact/hooks';
import { SNAPSHOT_PATH, type Call } from './api-client.js';
import { ApiContext } from './api-context.js';
import { addSample, type Sample } from './live.js';
import { usePoll } from './poll.js';
import { DeadLettersPage } from './pages/dead-letters.js';
import { FunctionsPage } from './pages/functions.js';
import { MappingPage, MappingsPage } from './pages/mappings.js';
import { QueuesPage } from './pages/queues.js';
import { S3BindingsPage } from './pages/s3-bindings.js';
import { StreamsPage } from './pages/streams.js';
import type { Snapshot } from './wire.js';

/** The live JSON once a second: the server builds it at most twice a second, however many pages poll. */
const LIVE_INTERVAL_MS = 1000;

const PAGES = [
  ['mappings', 'Mappings'],
  ['streams', 'Streams'],
  ['queues', 'Queues'],
  ['dead-letters', 'Dead letters'],
  ['functions', 'Functions'],
  ['s3-bindings', 'S3 bindings'],
] as const;

function useHashRoute(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** The dashboard once the API answers: navigation, the live snapshot and its history, the page shown. */
export function Dashboard({ call, onForgetToken }: { call: Call; onForgetToken?: () => void }) {
  const [page = 'mappings', id] = useHashRoute();
  const live = usePoll(() => call<Snapshot>('GET', SNAPSHOT_PATH), LIVE_INTERVAL_MS, [call]);
  const [samples, setSamples] = useState<readonly Sample[]>([]);
  useEffect(() => {
    if (live.data !== undefined) setSamples((s) => addSample(s, live.data!));
  }, [live.data]);
  const snapshot = live.data;

  return (
    <ApiContext.Provider value={call}>
      <header class="top">
        <h1>Sluice</h1>
        <nav>
          {PAGES.map(([key, label]) => (
            <a key={key} href={`#/${key}`} class={page === key ? 'current' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class={live.error === undefined ? 'status live' : 'status stale'} role="status">
          {live.error !== undefined ? `Not updating: ${live.error.message}` : live.at === undefined ? 'Connecting…' : `Live · ${new Date(live.at).toLocaleTimeString('en-GB')}`}
        </span>
        {onForgetToken === undefined ? null : (
          <button type="button" class="link" onClick={onForgetToken}>
            Forget token
          </button>
        )}
      </header>
      {snapshot?.Metrics === 'absent' ? (
        <p class="banner">
          No poller runs in this API process: lease owners and checkpoints come from Redis, but iterator age, lag, rates and queue figures live in the poller processes (their{' '}
          <code>/metrics</code>).
        </p>
      ) : null}
      <main>
        {page === 'dead-letters' ? (
          <DeadLettersPage />
        ) : page === 'functions' ? (
          <FunctionsPage />
        ) : page === 's3-bindings' ? (
          <S3BindingsPage />
        ) : snapshot === undefined ? (
          <p class="muted">Loading…</p>
        ) : page === 'streams' ? (
          <StreamsPage snapshot={snapshot} samples={samples} />
        ) : page === 'queues' ? (
          <QueuesPage snapshot={snapshot} samples={samples} />
        ) : page === 'mappings' && id !== undefined ? (
          <MappingPage mapping={snapshot.Mappings.find((m) => m.UUID === id)} samples={samples} />
        ) : (
          <MappingsPage snapshot={snapshot} />
        )}
      </main>
    </ApiContext.Provider>
  );
}
