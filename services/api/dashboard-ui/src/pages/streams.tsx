import { LiveChart } from '../chart.js';
import { count, duration, rate, shortId } from '../format.js';
import { latestRate, rateSeries, rateTimes, shardKey, type Sample } from '../live.js';
import type { MappingView, Snapshot, StreamView } from '../wire.js';

export function StreamsPage({ snapshot, samples }: { snapshot: Snapshot; samples: readonly Sample[] }) {
  const streams = snapshot.Mappings.filter((m) => m.Stream !== undefined);
  if (streams.length === 0) return <p class="muted">No stream mappings (Kinesis, DynamoDB Streams).</p>;
  return (
    <section>
      <h2>Streams</h2>
      {streams.map((m) => (
        <article key={m.UUID} class="panel">
          <h3>
            <a href={`#/mappings/${m.UUID}`} title={m.UUID}>
              <code>{shortId(m.UUID)}</code>
            </a>{' '}
            {m.SourceName} → {m.FunctionName}
          </h3>
          <StreamPanel mapping={m} stream={m.Stream!} samples={samples} />
        </article>
      ))}
    </section>
  );
}

/** One stream mapping's shards: lease, checkpoint, lag, and records per second (live chart). */
export function StreamPanel({ mapping, stream, samples }: { mapping: MappingView; stream: StreamView; samples: readonly Sample[] }) {
  const charted = stream.Shards.filter((s) => s.HeldHere);
  return (
    <div class="stream" data-stream={mapping.UUID}>
      {charted.length === 0 ? null : (
        <LiveChart
          title="Records read per second, by shard"
          times={rateTimes(samples)}
          series={charted.map((s) => ({ label: s.ShardId, values: rateSeries(samples, shardKey(mapping.UUID, s.ShardId)) }))}
        />
      )}
      {stream.Shards.length === 0 ? (
        <p class="muted">No shard leases yet: a poller has not read this stream.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Shard</th>
              <th>Lease</th>
              <th>Owner</th>
              <th>Checkpoint</th>
              <th title="Age of the last record of the last finished batch">Iterator age</th>
              <th title="How far the reader is behind the tip of the shard">Behind latest</th>
              <th>Records/s</th>
              <th>Records read</th>
            </tr>
          </thead>
          <tbody>
            {stream.Shards.map((s) => (
              <tr key={s.ShardId} data-shard={s.ShardId}>
                <td>
                  <code>{s.ShardId}</code>
                  {s.ParentShardIds.length === 0 ? null : <div class="muted small">from {s.ParentShardIds.join(', ')}</div>}
                </td>
                <td>
                  <span class={`badge lease-${s.Lease}`}>{s.Lease}</span>
                  {s.LeaseExpiresInMs === undefined ? null : <div class="muted small">expires in {duration(s.LeaseExpiresInMs)} unless renewed</div>}
                </td>
                <td>
                  {s.Owner === undefined ? '–' : <code>{s.Owner}</code>}
                  {s.HeldHere ? <div class="muted small">this process</div> : null}
                </td>
                <td class="checkpoint">{s.Checkpoint === undefined ? '–' : <code title={s.Checkpoint}>{s.Checkpoint}</code>}</td>
                <td>{s.HeldHere ? duration(s.IteratorAgeMs) : '–'}</td>
                <td>{s.HeldHere ? duration(s.MillisBehindLatest) : '–'}</td>
                <td>{s.HeldHere ? rate(latestRate(samples, shardKey(mapping.UUID, s.ShardId))) : '–'}</td>
                <td>{s.HeldHere ? count(s.RecordsRead) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {stream.OlderIncarnationLeases > 0 ? <p class="muted small">{stream.OlderIncarnationLeases} leases of an earlier incarnation of this stream (deleted and created again) are not shown.</p> : null}
    </div>
  );
}
