import { useContext } from 'preact/hooks';
import { ApiContext } from '../api-context.js';
import { usePoll } from '../poll.js';
import type { S3BindingPage } from '../wire.js';

/** S3 bindings (/sluice/v1/s3-bindings): which bucket events reach which function, through the ingress. */
export function S3BindingsPage() {
  const call = useContext(ApiContext);
  const list = usePoll(() => call<S3BindingPage>('GET', '/sluice/v1/s3-bindings'), 5000, [call]);
  return (
    <section>
      <h2>S3 bindings</h2>
      {list.error === undefined ? null : <p class="notice error">{list.error.message}</p>}
      {list.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : list.data.S3Bindings.length === 0 ? (
        <p class="muted">No S3 bindings.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Bucket</th>
              <th>Events</th>
              <th>Key filter</th>
              <th>Function</th>
              <th>Notifications</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.S3Bindings.map((b) => (
              <tr key={b.Id} data-binding={b.Id}>
                <td>
                  <strong>{b.Bucket}</strong>
                  <div class="muted small">{b.Id}</div>
                </td>
                <td>{b.Events.join(', ')}</td>
                <td>{b.Filter === undefined ? '–' : b.Filter.Key.FilterRules.map((r) => `${r.Name.toLowerCase()} ${r.Value}`).join(', ')}</td>
                <td>
                  <code>{b.FunctionArn}</code>
                </td>
                <td>
                  {b.ManagedNotification !== undefined ? (
                    <>
                      managed: <code>{b.ManagedNotification.TopicArn}</code> → {b.ManagedNotification.IngressUrl}
                    </>
                  ) : b.TopicArn !== undefined ? (
                    <code>{b.TopicArn}</code>
                  ) : (
                    'direct'
                  )}
                </td>
                <td>{b.CreatedAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.NextMarker === undefined ? null : <p class="muted">Showing the first page of bindings.</p>}
    </section>
  );
}
