import { useContext } from 'preact/hooks';
import { ApiContext } from '../api-context.js';
import { usePoll } from '../poll.js';
import type { FunctionConfiguration, FunctionPage } from '../wire.js';

/** The function registry (/sluice/v1/functions): each function and how it is called. */
export function FunctionsPage() {
  const call = useContext(ApiContext);
  const list = usePoll(() => call<FunctionPage>('GET', '/sluice/v1/functions?MaxItems=50'), 5000, [call]);
  return (
    <section>
      <h2>Functions</h2>
      {list.error === undefined ? null : <p class="notice error">{list.error.message}</p>}
      {list.data === undefined ? (
        <p class="muted">Loading…</p>
      ) : list.data.Functions.length === 0 ? (
        <p class="muted">No functions registered.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Function</th>
              <th>Invoker</th>
              <th>Timeout</th>
              <th>Memory</th>
              <th>Reserved concurrency</th>
              <th>Last modified</th>
            </tr>
          </thead>
          <tbody>
            {list.data.Functions.map((f) => (
              <tr key={f.FunctionName} data-function={f.FunctionName}>
                <td title={f.FunctionArn}>
                  <strong>{f.FunctionName}</strong>
                  {f.Description === '' ? null : <div class="muted small">{f.Description}</div>}
                </td>
                <td>
                  {f.Invoker.Type} <code>{invokerTarget(f.Invoker)}</code>
                </td>
                <td>{f.Timeout} s</td>
                <td>{f.MemorySize} MB</td>
                <td>{f.ReservedConcurrentExecutions ?? '–'}</td>
                <td>{f.LastModified}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.data?.NextMarker === undefined ? null : <p class="muted">Showing the first 50 functions.</p>}
    </section>
  );
}

function invokerTarget(invoker: FunctionConfiguration['Invoker']): string {
  switch (invoker.Type) {
    case 'http':
      return invoker.Url;
    case 'lambda':
      return invoker.FunctionName + (invoker.Qualifier === undefined ? '' : `:${invoker.Qualifier}`);
    case 'node':
      return `${invoker.Module} ${invoker.Handler}`;
    case 'none':
      // Created through Lambda's API with a runtime or image Sluice cannot run: point it at an http invoker.
      return 'not runnable here (give it an http invoker)';
  }
}
