import { useContext, useState } from 'preact/hooks';
import { ApiError } from '../api-client.js';
import { ApiContext } from '../api-context.js';
import { shortId, time } from '../format.js';
import { usePoll } from '../poll.js';
import type { DeadLetter, DeadLetterPage, DeadLetterSummary } from '../wire.js';

const PATH = '/sluice/v1/dead-letters';

interface Filter {
  readonly MappingId: string;
  readonly FunctionName: string;
}

/** Dead letters (README, Dead-letter store): list, inspect, replay, delete, purge by mapping or function. */
export function DeadLettersPage() {
  const call = useContext(ApiContext);
  const [filter, setFilter] = useState<Filter>({ MappingId: '', FunctionName: '' });
  const [draft, setDraft] = useState<Filter>(filter);
  const [marker, setMarker] = useState<string | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [notice, setNotice] = useState<{ text: string; error?: boolean } | undefined>();
  const params = new URLSearchParams({ MaxItems: '50' });
  if (filter.MappingId !== '') params.set('MappingId', filter.MappingId);
  if (filter.FunctionName !== '') params.set('FunctionName', filter.FunctionName);
  if (marker !== undefined) params.set('Marker', marker);
  const query = params.toString();
  const list = usePoll(() => call<DeadLetterPage>('GET', `${PATH}?${query}`), 3000, [call, query]);

  const filtered = filter.MappingId !== '' || filter.FunctionName !== '';
  /** Runs one change, says what came of it, and reloads the list. */
  const act = async (action: () => Promise<string>) => {
    try {
      setNotice({ text: await action() });
    } catch (error) {
      setNotice({ text: (error as Error).message, error: true });
    }
    list.reload();
  };
  const purge = () => {
    const what = [filter.MappingId === '' ? '' : `mapping ${filter.MappingId}`, filter.FunctionName === '' ? '' : `function ${filter.FunctionName}`].filter(Boolean).join(' and ');
    if (!window.confirm(`Purge every dead letter of ${what}? This cannot be undone.`)) return;
    const purgeParams = new URLSearchParams(params);
    purgeParams.delete('MaxItems');
    purgeParams.delete('Marker');
    void act(async () => {
      const { PurgedCount } = await call<{ PurgedCount: number }>('DELETE', `${PATH}?${purgeParams}`);
      setSelected(undefined);
      return `Purged ${PurgedCount} dead letters.`;
    });
  };

  return (
    <section>
      <h2>Dead letters</h2>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setMarker(undefined);
          setFilter(draft);
        }}
      >
        <label>
          Mapping UUID <input name="MappingId" value={draft.MappingId} onInput={(e) => setDraft({ ...draft, MappingId: e.currentTarget.value.trim() })} />
        </label>
        <label>
          Function <input name="FunctionName" value={draft.FunctionName} onInput={(e) => setDraft({ ...draft, FunctionName: e.currentTarget.value.trim() })} />
        </label>
        <button type="submit">Filter</button>
        <button type="button" class="danger" disabled={!filtered} onClick={purge} title="Purging needs a mapping or a function filter">
          Purge matching
        </button>
      </form>
      {notice === undefined ? null : (
        <p class={notice.error === true ? 'notice error' : 'notice'} role="status">
          {notice.text}
        </p>
      )}
      {list.error === undefined ? null : <p class="notice error">{list.error.message}</p>}
      {list.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : list.data.DeadLetters.length === 0 ? (
        <p class="muted">No dead letters{filtered ? ' match' : ''}.</p>
      ) : (
        <table class="dead-letters">
          <thead>
            <tr>
              <th>Created</th>
              <th>Id</th>
              <th>Kind</th>
              <th>Mapping</th>
              <th>Function</th>
              <th>Records</th>
              <th>Condition</th>
              <th>Replays</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.DeadLetters.map((d) => (
              <tr key={d.Id} data-dead-letter={d.Id} class={d.Id === selected ? 'selected' : ''}>
                <td>{time(d.CreatedAt)}</td>
                <td>
                  <code title={d.Id}>{shortId(d.Id)}</code>
                </td>
                <td>{d.Kind}</td>
                <td>{d.MappingId === undefined ? '–' : <code title={d.MappingId}>{shortId(d.MappingId)}</code>}</td>
                <td>{d.FunctionName}</td>
                <td>{d.RecordCount}</td>
                <td>{condition(d)}</td>
                <td>
                  {d.Replays}
                  {d.LastReplay === undefined ? null : <div class="problem small">{d.LastReplay.Error}</div>}
                </td>
                <td>
                  <button type="button" onClick={() => setSelected(d.Id)}>
                    Inspect
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="pager">
        {marker === undefined ? null : (
          <button type="button" onClick={() => setMarker(undefined)}>
            Newest
          </button>
        )}
        {list.data?.NextMarker === undefined ? null : (
          <button type="button" onClick={() => setMarker(list.data!.NextMarker)}>
            Older
          </button>
        )}
      </div>
      {selected === undefined ? null : (
        <DeadLetterInspector
          id={selected}
          onClose={() => setSelected(undefined)}
          onReplay={() =>
            void act(async () => {
              await call('POST', `${PATH}/${selected}/replay`);
              return `Replay of ${selected} queued: the entry goes once the function has taken it.`;
            })
          }
          onDelete={() => {
            if (!window.confirm(`Delete dead letter ${selected}?`)) return;
            void act(async () => {
              await call('DELETE', `${PATH}/${selected}`);
              setSelected(undefined);
              return `Deleted ${selected}.`;
            });
          }}
        />
      )}
    </section>
  );
}

function condition(d: DeadLetterSummary): string {
  const record = d.FailureRecord as { requestContext?: { condition?: string } } | undefined;
  return record?.requestContext?.condition ?? '–';
}

function DeadLetterInspector({ id, onClose, onReplay, onDelete }: { id: string; onClose: () => void; onReplay: () => void; onDelete: () => void }) {
  const call = useContext(ApiContext);
  const entry = usePoll(() => call<DeadLetter>('GET', `${PATH}/${id}`), 3000, [call, id]);
  const gone = entry.error instanceof ApiError && entry.error.status === 404;
  return (
    <aside class="inspector" aria-label="Dead letter">
      <header>
        <h3>
          Dead letter <code>{id}</code>
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {gone ? (
        <p class="muted">This dead letter is gone: replayed or deleted.</p>
      ) : entry.data === undefined ? (
        <p class="muted">{entry.error?.message ?? 'Loading…'}</p>
      ) : (
        <>
          <div class="actions">
            <button type="button" onClick={onReplay}>
              Replay
            </button>
            <button type="button" class="danger" onClick={onDelete}>
              Delete
            </button>
          </div>
          <pre class="json">{JSON.stringify(entry.data, null, 2)}</pre>
        </>
      )}
    </aside>
  );
}
