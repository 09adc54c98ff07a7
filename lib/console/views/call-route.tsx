/**
 * Call one of the app's routes, optionally with a token from the development issuer (as
 * `switchyard token` mints), and see the answer and the invocation it caused.
 */
import { useState } from 'preact/hooks';
import { api, type Api } from '../api';
import { ErrorNotice, invocationHref } from '../ui';

/** The route form of the Act view. */
export function CallRoute({ app }: { app: Api.AppOverview }) {
  const first = app.routes[0];
  const [method, setMethod] = useState(first?.method === 'ANY' ? 'GET' : first?.method ?? 'GET');
  const [path, setPath] = useState(first?.path ?? '/');
  const [api_, setApi] = useState(first?.api ?? '');
  const [body, setBody] = useState('');
  const [devToken, setDevToken] = useState(true);
  const [result, setResult] = useState<Api.RouteCallResult>();
  const [error, setError] = useState<Error>();

  const pick = (key: string) => {
    const r = app.routes.find((x) => `${x.api} ${x.method} ${x.path}` === key);
    if (!r) return;
    setMethod(r.method === 'ANY' ? 'GET' : r.method);
    setPath(r.path);
    setApi(r.api);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
    api.callRoute({ method, path, api: api_ || undefined, headers, body: body || undefined, devToken }).then(setResult, setError);
  };
  if (!app.routes.length) return null;
  return (
    <form onSubmit={submit} aria-labelledby="route-title">
      <fieldset>
        <legend id="route-title">Call a route</legend>
        <label for="rt-route">Route</label>
        <select id="rt-route" onChange={(e) => pick(e.currentTarget.value)}>
          {app.routes.map((r) => { const key = `${r.api} ${r.method} ${r.path}`; return <option key={key} value={key}>{r.method} {r.path} ({r.api})</option>; })}
        </select>
        <div class="row">
          <div><label for="rt-method">Method</label><input id="rt-method" size={7} value={method} onInput={(e) => setMethod(e.currentTarget.value.toUpperCase())} /></div>
          <div class="grow"><label for="rt-path">Path</label><input id="rt-path" value={path} onInput={(e) => setPath(e.currentTarget.value)} /></div>
        </div>
        <label for="rt-body">Body</label>
        <textarea id="rt-body" value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        <p><label class="inline"><input type="checkbox" checked={devToken} onChange={(e) => setDevToken(e.currentTarget.checked)} /> Add a development token with the route's scopes</label></p>
        <button type="submit" class="primary">Call</button>
        <ErrorNotice error={error} />
        {result && (
          <div role="status">
            <p>{result.statusCode} in {result.durationMs} ms from <code>{result.url}</code>{result.requestId && <>: <a href={invocationHref(result.requestId)}>invocation {result.requestId}</a></>}</p>
            <pre tabIndex={0} aria-label="Response body">{result.bodyEncoding === 'base64' ? `(base64) ${result.body}` : prettyBody(result.body)}</pre>
          </div>
        )}
      </fieldset>
    </form>
  );
}

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
