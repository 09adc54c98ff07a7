/**
 * Stories: an event's (the rules of its bus and why each matched or not, each delivery's
 * attempts with their errors and delays, where it ended, the invocation that published it) and
 * an invocation's (its attempts, log lines, the events it published, the request that caused it).
 */
import { api, type Api } from '../api';
import { Json, Show, Status, Time, eventHref, invocationHref, useLoad, useStream, useThrottled } from '../ui';

function ErrorText({ error }: { error?: Api.ErrorInfo }) {
  return error ? <span class="bad">{error.type}: {error.message}</span> : null;
}

function Verdicts({ rules }: { rules: readonly Api.RuleVerdictInfo[] }) {
  if (!rules.length) return <p class="muted">The bus has no rules.</p>;
  return (
    <table>
      <thead><tr><th scope="col">Rule</th><th scope="col">Matches</th><th scope="col">Why not</th></tr></thead>
      <tbody>{rules.map((r) => (
        <tr key={r.arn}>
          <td>{r.displayName}</td>
          <td><Status status={r.matched ? 'ok' : 'unmatched'} text={r.matched ? 'matches' : 'no match'} /></td>
          <td>{r.note}{r.explanation?.misses.map((m) => (
            <div key={m.field}><code>{m.field}</code>: {m.reason} (expected <code>{JSON.stringify(m.expected)}</code>, got <code>{JSON.stringify(m.actual)}</code>)</div>
          ))}</td>
        </tr>
      ))}</tbody>
    </table>
  );
}

function Delivery({ d }: { d: Api.DeliveryInfo }) {
  return (
    <li data-rule={d.rule} data-kind={d.kind}>
      <strong>{d.rule ? `${d.rule} → ` : ''}{d.target}</strong> <Status status={d.state} /> after {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
      {d.deadLetter && <> in <a href="#/dead-letters">{d.deadLetter}</a></>}{d.reason && <span class="muted"> ({d.reason})</span>}
      {d.redriveOf && <span class="muted"> (redrive of {d.redriveOf})</span>}
      {d.history.length > 0 && (
        <ol class="timeline" aria-label={`Attempts to ${d.target}`}>
          {d.history.map((a) => (
            <li key={a.attempt}>attempt {a.attempt} at <Time at={a.at} />: <Status status={a.outcome} /> <ErrorText error={a.error} />
              {a.nextAttemptAt && <span class="muted"> next attempt after {Math.max(0, a.nextAttemptAt - a.at)} ms</span>}</li>
          ))}
        </ol>
      )}
    </li>
  );
}

/** `#/events/<id>`: an event's story, refreshed while its deliveries go on. */
export function EventStoryView({ id }: { id: string }) {
  const story = useLoad(() => api.event(id), [id]);
  const refresh = useThrottled(story.reload, 500);
  useStream<Api.ActivityEntry>(api.streamUrl({ type: 'delivery' }), (e) => e.type === 'delivery' && e.eventId === id && refresh());
  return (
    <section aria-labelledby="story-title">
      <h2 id="story-title" tabIndex={-1}>Event {id}</h2>
      <Show loaded={story}>{(s) => (
        <>
          <p>{String(s.event['detail-type'])} from <code>{String(s.event.source)}</code> on {s.bus} at <Time at={s.at} />.
            {s.publishedBy && <> Published by <a href={invocationHref(s.publishedBy.requestId)}>{s.publishedBy.function} ({s.publishedBy.requestId})</a>.</>}</p>
          <h3>Rules</h3>
          <Verdicts rules={s.rules} />
          <h3>Deliveries</h3>
          {s.deliveries.length ? <ul aria-label="Deliveries">{s.deliveries.map((d) => <Delivery key={d.id} d={d} />)}</ul> : <p class="muted">No deliveries.</p>}
          <h3>Event</h3>
          <Json value={s.event} label="The event as targets receive it" />
        </>
      )}</Show>
    </section>
  );
}

/** `#/invocations/<requestId>`: an invocation's story. */
export function InvocationStoryView({ requestId }: { requestId: string }) {
  const story = useLoad(() => api.invocation(requestId), [requestId]);
  return (
    <section aria-labelledby="inv-title">
      <h2 id="inv-title" tabIndex={-1}>Invocation {requestId}</h2>
      <Show loaded={story}>{(s) => (
        <>
          {s.request && <p>Caused by <code>{s.request.method} {s.request.path}</code> → {s.request.statusCode} in {s.request.durationMs} ms.</p>}
          <table>
            <thead><tr><th scope="col">At</th><th scope="col">Function</th><th scope="col">Start</th><th scope="col">Duration</th><th scope="col">Outcome</th></tr></thead>
            <tbody>{s.invocations.map((i) => (
              <tr key={i.id}><td><Time at={i.at} /></td><td>{i.function}</td><td>{i.cold ? 'cold' : 'warm'}</td><td>{i.durationMs} ms</td><td><Status status={i.outcome} /> <ErrorText error={i.error} /></td></tr>
            ))}</tbody>
          </table>
          <h3>Log</h3>
          {s.logsTruncated && <p class="muted">Older lines were left out.</p>}
          {s.logs.length ? <pre tabIndex={0} aria-label="Log lines">{s.logs.map((l) => `${new Date(l.at).toISOString().slice(11, 23)} ${l.level.padEnd(5)} ${l.text}`).join('\n')}</pre> : <p class="muted">No log lines.</p>}
          <h3>Published events</h3>
          {s.published.length ? (
            <ul>{s.published.map((e) => <li key={e.eventId}><a href={eventHref(e.eventId)}>{e.detailType}</a> <span class="muted">{e.eventId}</span> → {e.matchedRules.join(', ') || 'no rule matched'}</li>)}</ul>
          ) : <p class="muted">None.</p>}
          {s.deliveries.length > 0 && (
            <>
              <h3>Deliveries</h3>
              <ul>{s.deliveries.map((d) => <li key={d.id}><a href={eventHref(d.eventId)}>{d.rule ?? d.kind}</a> → {d.target}: <Status status={d.state} /></li>)}</ul>
            </>
          )}
        </>
      )}</Show>
    </section>
  );
}
