import { LiveChart } from '../chart.js';
import { count, rate, shortId } from '../format.js';
import { latestRate, queueKey, rateSeries, rateTimes, type Sample } from '../live.js';
import type { MappingView, Snapshot } from '../wire.js';

const COUNTERS = ['Received', 'Deleted', 'Failed'] as const;

export function QueuesPage({ snapshot, samples }: { snapshot: Snapshot; samples: readonly Sample[] }) {
  const queues = snapshot.Mappings.filter((m) => m.SourceModel === 'queue');
  if (queues.length === 0) return <p class="muted">No queue mappings (SQS).</p>;
  return (
    <section>
      <h2>Queues</h2>
      <QueuePanel mappings={queues} samples={samples} />
    </section>
  );
}

/** Queue mappings' receive loops in this process, with message rates (README, How the queue model works). */
export function QueuePanel({ mappings, samples }: { mappings: readonly MappingView[]; samples: readonly Sample[] }) {
  return (
    <div class="queues">
      <table>
        <thead>
          <tr>
            <th>Mapping</th>
            <th>Queue</th>
            <th title="Receive loops this process runs for the mapping">Pollers</th>
            <th title="Messages this process holds invisible">In flight</th>
            <th title="ApproximateNumberOfMessages, read every minute">Backlog</th>
            <th>Received/s</th>
            <th>Deleted/s</th>
            <th title="Left in the queue after a failed batch, to come back after the visibility timeout">Failed/s</th>
          </tr>
        </thead>
        <tbody>
          {mappings.map((m) => (
            <tr key={m.UUID} data-queue={m.UUID}>
              <td>
                <a href={`#/mappings/${m.UUID}`} title={m.UUID}>
                  <code>{shortId(m.UUID)}</code>
                </a>
              </td>
              <td title={m.EventSourceArn}>{m.SourceName}</td>
              {m.Queue === undefined ? (
                <td colSpan={6} class="muted">
                  no figures: no poller runs in this process
                </td>
              ) : (
                <>
                  <td>{count(m.Queue.Pollers)}</td>
                  <td>{count(m.Queue.InFlight)}</td>
                  <td>{count(m.Queue.Backlog)}</td>
                  {COUNTERS.map((c) => (
                    <td key={c} title={`${count(m.Queue![c])} in all`}>
                      {rate(latestRate(samples, queueKey(m.UUID, c)))}
                    </td>
                  ))}
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {mappings
        .filter((m) => m.Queue !== undefined)
        .map((m) => (
          <LiveChart
            key={m.UUID}
            title={`${m.SourceName}: messages per second`}
            times={rateTimes(samples)}
            series={COUNTERS.map((c) => ({ label: c.toLowerCase(), values: rateSeries(samples, queueKey(m.UUID, c)) }))}
          />
        ))}
    </div>
  );
}
