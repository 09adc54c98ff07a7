/**
 * Act on the app: send an event (with a live preview of the rules it matches, from the same
 * pattern engine that routes it), invoke a function, trigger a schedule, call a route.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, type Api } from '../api';
import { CallRoute as CallRouteForm } from './call-route';
import { ErrorNotice, Json, Show, Status, eventHref, invocationHref, parseJson, type Loaded } from '../ui';

function SendEvent({ app }: { app: Api.AppOverview }) {
  const [bus, setBus] = useState(app.rules[0]?.bus ?? app.buses[0] ?? 'default');
  const [source, setSource] = useState('');
  const [detailType, setDetailType] = useState('');
  const [detail, setDetail] = useState('{}');
  const [preview, setPreview] = useState<Api.PreviewResult>();
  const [previewError, setPreviewError] = useState<string>();
  const [sent, setSent] = useState<Api.PutEventResult>();
  const [error, setError] = useState<Error>();
  const parsed = parseJson(detail, 'Detail');

  // The preview follows the form as it is typed, 250 ms after the last keystroke.
  useEffect(() => {
    if (parsed.error) return setPreviewError(parsed.error);
    // PutEvents refuses an entry without both; no need to ask the server to say so.
    if (!source.trim() || !detailType.trim()) {
      setPreview(undefined);
      return setPreviewError(undefined);
    }
    const timer = setTimeout(() => {
      api.preview({ bus, event: { Source: source, DetailType: detailType, Detail: (parsed.value ?? {}) as Record<string, unknown>, EventBusName: bus } })
        .then((p) => { setPreview(p); setPreviewError(undefined); }, (err: Error) => setPreviewError(err.message));
    }, 250);
    return () => clearTimeout(timer);
  }, [bus, source, detailType, detail]);

  const submit = (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setSent(undefined);
    api.putEvent({ Source: source, DetailType: detailType, Detail: (parsed.value ?? {}) as Record<string, unknown>, EventBusName: bus }).then(setSent, setError);
  };
  const matched = preview?.rules.filter((r) => r.matched) ?? [];
  return (
    <form onSubmit={submit} aria-labelledby="send-title">
      <fieldset>
        <legend id="send-title">Send an event</legend>
        <div class="row">
          <div><label for="ev-bus">Bus</label><select id="ev-bus" value={bus} onChange={(e) => setBus(e.currentTarget.value)}>{app.buses.map((b) => <option key={b}>{b}</option>)}</select></div>
          <div><label for="ev-source">Source</label><input id="ev-source" required value={source} onInput={(e) => setSource(e.currentTarget.value)} placeholder="shop.orders" /></div>
          <div><label for="ev-type">Detail type</label><input id="ev-type" required value={detailType} onInput={(e) => setDetailType(e.currentTarget.value)} placeholder="OrderPlaced" /></div>
        </div>
        <label for="ev-detail">Detail (JSON)</label>
        <textarea id="ev-detail" value={detail} onInput={(e) => setDetail(e.currentTarget.value)} aria-invalid={!!parsed.error} aria-describedby="ev-preview" />
        <div id="ev-preview" role="status" aria-live="polite">
          {!preview && !previewError && <p class="muted">Fill in the source and detail type to see which rules match.</p>}
          {previewError ? <p class="bad">{previewError}</p> : preview && (
            <p><strong>Preview:</strong> {matched.length ? `matches ${matched.map((r) => r.displayName).join(', ')}` : 'matches no rule'}{preview.note && <span class="muted"> ({preview.note})</span>}</p>
          )}
        </div>
        {preview && (
          <ul aria-label="Rules of the bus" class="muted">
            {preview.rules.map((r) => <li key={r.arn} data-rule={r.displayName} data-matched={String(r.matched)}>{r.displayName}: <Status status={r.matched ? 'ok' : 'unmatched'} text={r.matched ? 'matches' : 'no match'} />{!r.matched && r.explanation?.misses[0] && ` (${r.explanation.misses[0].field}: ${r.explanation.misses[0].reason})`}</li>)}
          </ul>
        )}
        <button type="submit" class="primary" disabled={!!parsed.error}>Send event</button>
        <ErrorNotice error={error} />
        {sent && <p role="status">Sent <a href={eventHref(sent.eventId)}>event {sent.eventId}</a> on {sent.bus}.</p>}
      </fieldset>
    </form>
  );
}

function Invoke({ app }: { app: Api.AppOverview }) {
  const [fn, setFn] = useState(app.functions[0]?.name ?? '');
  const [payload, setPayload] = useState('{}');
  const [async, setAsync] = useState(false);
  const [result, setResult] = useState<Api.InvokeResponseBody>();
  const [error, setError] = useState<Error>();
  const parsed = parseJson(payload, 'Payload');
  const submit = (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    api.invoke(fn, { payload: parsed.value ?? {}, invocationType: async ? 'Event' : 'RequestResponse' }).then(setResult, setError);
  };
  return (
    <form onSubmit={submit} aria-labelledby="invoke-title">
      <fieldset>
        <legend id="invoke-title">Invoke a function</legend>
        <div class="row">
          <div><label for="inv-fn">Function</label><select id="inv-fn" value={fn} onChange={(e) => setFn(e.currentTarget.value)}>{app.functions.map((f) => <option key={f.name}>{f.name}</option>)}</select></div>
          <label class="inline"><input type="checkbox" checked={async} onChange={(e) => setAsync(e.currentTarget.checked)} /> Asynchronously (retries, DLQ)</label>
        </div>
        <label for="inv-payload">Payload (JSON)</label>
        <textarea id="inv-payload" value={payload} onInput={(e) => setPayload(e.currentTarget.value)} aria-invalid={!!parsed.error} />
        {parsed.error && <p class="bad">{parsed.error}</p>}
        <button type="submit" class="primary" disabled={!!parsed.error || !fn}>Invoke</button>
        <ErrorNotice error={error} />
        {result && (
          <div role="status">
            <p>{result.statusCode} {result.functionError ? <span class="bad">{result.functionError}</span> : <span class="ok">OK</span>}: <a href={invocationHref(result.requestId)}>invocation {result.requestId}</a></p>
            {result.payload !== undefined && <Json value={result.payload} label="Result" />}
          </div>
        )}
      </fieldset>
    </form>
  );
}

function Trigger({ app }: { app: Api.AppOverview }) {
  const [name, setName] = useState(app.schedules[0]?.name ?? '');
  const [result, setResult] = useState<Api.TriggerResult>();
  const [error, setError] = useState<Error>();
  const submit = (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    api.trigger(name).then(setResult, setError);
  };
  if (!app.schedules.length) return null;
  return (
    <form onSubmit={submit} aria-labelledby="trigger-title">
      <fieldset>
        <legend id="trigger-title">Trigger a schedule</legend>
        <div class="row">
          <div><label for="sch-name">Schedule</label><select id="sch-name" value={name} onChange={(e) => setName(e.currentTarget.value)}>{app.schedules.map((s) => <option key={s.name}>{s.name}</option>)}</select></div>
          <button type="submit" class="primary">Trigger now</button>
        </div>
        <ErrorNotice error={error} />
        {result && (
          <div role="status">
            <p>Fired <a href={eventHref(result.event.id)}>event {result.event.id}</a>.</p>
            <ul>{result.deliveries?.map((d) => <li key={d.id}>{d.target}: <Status status={d.state} />{d.lastError && <span class="bad"> {d.lastError.message}</span>}</li>)}</ul>
          </div>
        )}
      </fieldset>
    </form>
  );
}

/** `#/act`. */
export function ActView({ app }: { app: Loaded<Api.AppOverview> }) {
  return (
    <section aria-labelledby="act-title">
      <h2 id="act-title" tabIndex={-1}>Act</h2>
      <Show loaded={app}>{(a) => (
        <div class="grid2">
          <div><SendEvent app={a} /><Trigger app={a} /></div>
          <div><CallRouteForm app={a} /><Invoke app={a} /></div>
        </div>
      )}</Show>
    </section>
  );
}
