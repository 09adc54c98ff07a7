/**
 * The Switchyard console: a single page served by `switchyard dev` (lib/local/console/) that
 * reads the app, its activity and its dead letters from the JSON API under `/api/`.
 *
 * Preact, because the console is a handful of live views over one API: its hooks keep each
 * view's state and effects (an EventSource, a debounced preview) beside its markup, for ~5 kB
 * in the bundle, with no compiler of its own (esbuild's JSX transform) and no run-time
 * dependencies. Plain DOM would mean writing that diffing by hand; larger frameworks cost
 * ten times the bytes for nothing the console needs.
 *
 * Routing is the URL's hash (`#/activity`, `#/events/<id>`), so every view has a link that
 * survives a reload and the server serves one page.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api';
import { useLoad, useStream, useThrottled } from './ui';
import { ActView } from './views/act';
import { ActivityView } from './views/activity';
import { DeadLettersView } from './views/dead-letters';
import { OverviewView } from './views/overview';
import { EventStoryView, InvocationStoryView } from './views/story';
import { TablesView } from './views/tables';

const NAV = [
  ['#/', 'App'],
  ['#/activity', 'Activity'],
  ['#/dead-letters', 'Dead letters'],
  ['#/act', 'Act'],
  ['#/tables', 'Tables'],
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const onChange = () => setHash(location.hash || '#/');
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

function Console() {
  const hash = useHash();
  const app = useLoad(() => api.app(), []);
  // The overview's live numbers (warm instances, queue depths) follow the activity, at most once a second.
  const refresh = useThrottled(app.reload, 1000);
  useStream(api.streamUrl({}), refresh);
  const main = useRef<HTMLElement>(null);

  // A new view moves focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    const heading = main.current?.querySelector<HTMLElement>('h2');
    if (heading && document.activeElement !== document.body) heading.focus();
  }, [hash]);

  const [, section, id] = /^#\/([^/]*)(?:\/(.*))?$/.exec(hash) ?? [];
  const param = id ? decodeURIComponent(id) : '';
  const current = NAV.find(([href]) => href === `#/${section ?? ''}`)?.[0];
  const functions = app.value?.functions.map((f) => f.name) ?? [];

  let view;
  if (section === 'activity') view = <ActivityView functions={functions} />;
  else if (section === 'events' && param) view = <EventStoryView id={param} />;
  else if (section === 'invocations' && param) view = <InvocationStoryView requestId={param} />;
  else if (section === 'dead-letters') view = <DeadLettersView />;
  else if (section === 'act') view = <ActView app={app} />;
  else if (section === 'tables') view = <TablesView />;
  else view = <OverviewView app={app} />;

  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.querySelector<HTMLElement>('h2')?.focus(); }}>Skip to content</a>
      <nav aria-label="Console">
        <h1>Switchyard</h1>
        <ul>
          {NAV.map(([href, text]) => <li key={href}><a href={href} aria-current={href === current ? 'page' : undefined}>{text}</a></li>)}
        </ul>
      </nav>
      <main id="main" ref={main}>{view}</main>
    </div>
  );
}

render(<Console />, document.getElementById('root')!);
