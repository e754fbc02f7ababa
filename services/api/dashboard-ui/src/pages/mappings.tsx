import { count, shortId, time } from '../format.js';
import type { Sample } from '../live.js';
import type { MappingView, Snapshot } from '../wire.js';
import { QueuePanel } from './queues.js';
import { StreamPanel } from './streams.js';

const KIND_LABELS: Record<string, string> = { kinesis: 'Kinesis', 'kinesis-consumer': 'Kinesis (fan-out)', dynamodb: 'DynamoDB Streams', sqs: 'SQS' };
export const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state.toLowerCase()}`}>{state}</span>;
}

export function MappingsPage({ snapshot }: { snapshot: Snapshot }) {
  if (snapshot.Mappings.length === 0) return <p class="muted">No event-source mappings yet.</p>;
  return (
    <section>
      <h2>Mappings</h2>
      {snapshot.Truncated === true ? <p class="muted">Showing the first {snapshot.Mappings.length} mappings.</p> : null}
      <table>
        <thead>
          <tr>
            <th>Mapping</th>
            <th>State</th>
            <th>Source</th>
            <th>Function</th>
            <th>Last processing result</th>
            <th>Batch size</th>
            <th title="Batches finished in this process: succeeded / discarded">Batches</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.Mappings.map((m) => (
            <tr key={m.UUID} data-mapping={m.UUID}>
              <td>
                <a href={`#/mappings/${m.UUID}`} title={m.UUID}>
                  <code>{shortId(m.UUID)}</code>
                </a>
              </td>
              <td>
                <StateBadge state={m.State} />
              </td>
              <td>
                <div>
                  {kindLabel(m.SourceKind)} <strong>{m.SourceName}</strong>
                </div>
                <div class="muted small">{m.EventSourceArn}</div>
              </td>
              <td title={m.FunctionArn}>{m.FunctionName}</td>
              <td class={m.LastProcessingResult.startsWith('PROBLEM') ? 'problem' : ''}>{m.LastProcessingResult}</td>
              <td>{m.BatchSize}</td>
              <td>{m.Counters === undefined ? '–' : `${count(m.Counters.BatchesSucceeded)} / ${count(m.Counters.BatchesDiscarded)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function MappingPage({ mapping, samples }: { mapping: MappingView | undefined; samples: readonly Sample[] }) {
  if (mapping === undefined) return <p class="muted">No such mapping (it may have been deleted).</p>;
  return (
    <section>
      <h2>
        Mapping <code>{mapping.UUID}</code> <StateBadge state={mapping.State} />
      </h2>
      <dl class="facts">
        <dt>Source</dt>
        <dd>
          {kindLabel(mapping.SourceKind)} <code>{mapping.EventSourceArn}</code>
        </dd>
        <dt>Function</dt>
        <dd>
          <code>{mapping.FunctionArn}</code>
        </dd>
        <dt>State</dt>
        <dd>
          {mapping.State} ({mapping.StateTransitionReason})
        </dd>
        <dt>Last processing result</dt>
        <dd>{mapping.LastProcessingResult}</dd>
        <dt>Last modified</dt>
        <dd>{time(mapping.LastModified)}</dd>
        {mapping.Counters === undefined ? null : (
          <>
            <dt>In this process</dt>
            <dd>
              {count(mapping.Counters.BatchesSucceeded)} batches succeeded, {count(mapping.Counters.BatchesDiscarded)} discarded, {count(mapping.Counters.Retries)} retries,{' '}
              {count(mapping.Counters.RecordsFiltered)} records filtered out, {count(mapping.Counters.DeadLettersParked)} dead letters parked
            </dd>
          </>
        )}
      </dl>
      {mapping.Stream !== undefined ? <StreamPanel mapping={mapping} stream={mapping.Stream} samples={samples} /> : null}
      {mapping.SourceModel === 'queue' ? <QueuePanel mappings={[mapping]} samples={samples} /> : null}
    </section>
  );
}
