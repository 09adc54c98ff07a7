/**
 * Dead letters: each dead-letter queue's messages with their error and origin, and actions to
 * redrive one or all to their target or delete them. The list follows the activity (a delivery
 * ending, a redrive) without a reload.
 */
import { useState } from 'preact/hooks';
import { api, type Api } from '../api';
import { ErrorNotice, Show, Time, eventHref, useLoad, useStream, useThrottled } from '../ui';

type Queue = Api.DeadLetters['queues'][number];

function origin(o: Api.DeadLetterOrigin) {
  const to = [o.rule, o.target].filter(Boolean).join(' → ');
  return <>{o.kind}{to && `: ${to}`}{o.eventId && <> (<a href={eventHref(o.eventId)}>event</a>)</>}</>;
}

function Message({ m, act }: { m: Api.DeadLetter; act: (what: 'redrive' | 'delete', ids?: string[]) => void }) {
  return (
    <tr>
      <td class="mono">{m.messageId}</td>
      <td><Time at={m.sentAt} /></td>
      <td>{origin(m.origin)}</td>
      <td>{m.error ? <span class="bad">{m.error.type}: {m.error.message}</span> : <span class="muted">—</span>}</td>
      <td>
        <details><summary>Body</summary><pre tabIndex={0}>{JSON.stringify(m.body, null, 2)}</pre></details>
      </td>
      <td class="row">
        <button type="button" disabled={!m.redrivable} title={m.notRedrivable} aria-label={`Redrive message ${m.messageId}`} onClick={() => act('redrive', [m.messageId])}>Redrive</button>
        <button type="button" aria-label={`Delete message ${m.messageId}`} onClick={() => act('delete', [m.messageId])}>Delete</button>
      </td>
    </tr>
  );
}

function QueueSection({ q, onDone }: { q: Queue; onDone: (text: string) => void }) {
  const [error, setError] = useState<Error>();
  const act = (what: 'redrive' | 'delete', ids?: string[]) => {
    if (what === 'delete' && !ids && !confirm(`Delete all ${q.messages.length} messages of ${q.name}?`)) return;
    setError(undefined);
    const run = what === 'redrive'
      ? api.redrive(q.name, ids).then((r) => `${q.name}: ${r.redriven.length} redriven${r.failed.length ? `, ${r.failed.length} left: ${r.failed.map((f) => f.message).join('; ')}` : ''}.`)
      : api.deleteDeadLetters(q.name, ids).then((r) => `${q.name}: ${r.deleted.length} deleted${r.notFound.length ? `, ${r.notFound.length} no longer there` : ''}.`);
    run.then(onDone, setError);
  };
  return (
    <section aria-labelledby={`dlq-${q.name}`}>
      <h3 id={`dlq-${q.name}`}>{q.name} <span class="muted">({q.messages.length} message{q.messages.length === 1 ? '' : 's'})</span></h3>
      <ErrorNotice error={error} />
      {q.messages.length > 0 && (
        <>
          <p class="row">
            <button type="button" class="primary" onClick={() => act('redrive')}>Redrive all</button>
            <button type="button" onClick={() => act('delete')}>Delete all</button>
          </p>
          <table>
            <thead><tr><th scope="col">Message</th><th scope="col">Sent</th><th scope="col">From</th><th scope="col">Error</th><th scope="col">Body</th><th scope="col">Actions</th></tr></thead>
            <tbody>{q.messages.map((m) => <Message key={m.messageId} m={m} act={act} />)}</tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** `#/dead-letters`. */
export function DeadLettersView() {
  const list = useLoad(() => api.deadLetters(), []);
  const [result, setResult] = useState('');
  const refresh = useThrottled(list.reload, 500);
  useStream<Api.ActivityEntry>(api.streamUrl({ type: 'delivery' }), refresh);
  const done = (text: string) => { setResult(text); list.reload(); };
  return (
    <section aria-labelledby="dl-title">
      <h2 id="dl-title" tabIndex={-1}>Dead letters</h2>
      <p role="status" aria-live="polite">{result}</p>
      <Show loaded={list}>{(d) => (
        d.queues.length ? <>{d.queues.map((q) => <QueueSection key={q.arn} q={q} onDone={done} />)}</> : <p class="muted">The app has no dead-letter queues.</p>
      )}</Show>
    </section>
  );
}
