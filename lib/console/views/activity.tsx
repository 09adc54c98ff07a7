/**
 * Live activity: the newest entries first (activity-feed.ts), filtered by the server (kind,
 * function, status, and the text search over every entry it keeps) and by the same search here
 * at each keystroke, in a virtualized list; each entry opens its story.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ActivityFilter, Api } from '../api';
import { ErrorNotice, Status, Time, eventHref, invocationHref, useAnnounced } from '../ui';
import { useActivityFeed } from './activity-feed';
import { VirtualList } from '../virtual-list';

type Entry = Api.ActivityEntry;

/** Where an entry's story is: an event's, or an invocation's. */
export function storyHref(e: Entry): string | undefined {
  switch (e.type) {
    case 'request': return e.functionRequestId ? invocationHref(e.functionRequestId) : undefined;
    case 'invocation': return invocationHref(e.requestId);
    case 'event': return eventHref(e.eventId);
    case 'delivery':
      // A rule's or schedule's delivery belongs to its event; an async invoke's id is its request id;
      // a batch's (SQS, stream) and a queue's own redrive carry message ids: their invocation, if any.
      if (e.kind === 'rule' || e.kind === 'schedule') return eventHref(e.eventId);
      if (e.kind === 'async-invoke') return invocationHref(e.eventId);
      return e.requestId ? invocationHref(e.requestId) : undefined;
  }
}

/** One line of text that says what happened. */
export function summary(e: Entry): string {
  switch (e.type) {
    case 'request': return `${e.method} ${e.path} → ${e.statusCode}${e.error ? ` (${e.error})` : ''}`;
    case 'invocation': return `${e.function} ${e.cold ? 'cold' : 'warm'} ${e.durationMs} ms${e.error ? `: ${e.error.type}: ${e.error.message}` : ''}`;
    case 'event': return `${e.detailType} from ${e.source} on ${e.bus}${e.matchedRules.length ? ` → ${e.matchedRules.join(', ')}` : ' (no rule matched)'}`;
    case 'delivery': return `${e.redriveOf ? 'redriven: ' : ''}${e.rule ? `${e.rule} → ` : ''}${e.target}: ${e.state} after ${e.attempt} attempt${e.attempt === 1 ? '' : 's'}${e.deadLetter ? ` in ${e.deadLetter}` : ''}${e.error ? ` (${e.error.message})` : ''}`;
  }
}

function subject(e: Entry): string {
  switch (e.type) {
    case 'request': return e.function ?? e.api;
    case 'invocation': return e.function;
    case 'event': return e.detailType;
    case 'delivery': return e.target;
  }
}

function statusText(e: Entry): string {
  if (e.type === 'delivery') return e.state;
  if (e.type === 'request') return String(e.statusCode);
  return e.status;
}

function Row({ e }: { e: Entry }) {
  return (
    <>
      <span class="mono"><Time at={e.at} /></span>
      <span>{e.type}</span>
      <span title={summary(e)}>{summary(e)}</span>
      <span title={subject(e)}>{subject(e)}</span>
      <span><Status status={e.type === 'delivery' ? e.state : e.status} text={statusText(e)} /></span>
    </>
  );
}

/** Each entry's searchable text, made once (a search over 10,000 entries runs on every keystroke and every new entry). */
const searchText = new WeakMap<Entry, string>();
function textOf(e: Entry): string {
  let text = searchText.get(e);
  if (text === undefined) searchText.set(e, (text = `${summary(e)} ${subject(e)} ${JSON.stringify(e)}`.toLowerCase()));
  return text;
}

/** How long typing pauses before the search goes to the server. */
const SEARCH_PAUSE_MS = 300;

/** The activity view. */
export function ActivityView({ functions }: { functions: readonly string[] }) {
  const [filter, setFilter] = useState<ActivityFilter>({});
  const [search, setSearch] = useState('');
  const { entries, next, error, gap, loadOlder } = useActivityFeed(filter);

  // The server searches every entry it keeps, not only those loaded here: once typing pauses.
  useEffect(() => {
    const q = search.trim() || undefined;
    const timer = setTimeout(() => setFilter((f) => (f.q === q ? f : { ...f, q })), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return q ? entries.filter((e) => textOf(e).includes(q)) : entries;
  }, [entries, search]);

  const count = `${shown.length.toLocaleString('en-US')} ${shown.length === 1 ? 'entry' : 'entries'}${search ? ` match “${search}”` : ''}`;
  const announced = useAnnounced(count, 2000);
  const set = (key: keyof ActivityFilter) => (e: Event) => setFilter((f) => ({ ...f, [key]: (e.currentTarget as HTMLSelectElement).value || undefined }));

  return (
    <section aria-labelledby="activity-title">
      <h2 id="activity-title" tabIndex={-1}>Activity</h2>
      <form class="filters" role="search" aria-label="Filter the activity" onSubmit={(e) => e.preventDefault()}>
        <div><label for="f-type">Kind</label>
          <select id="f-type" value={filter.type ?? ''} onChange={set('type')}>
            <option value="">all</option><option value="request">HTTP requests</option><option value="invocation">invocations</option>
            <option value="event">events</option><option value="delivery">deliveries</option>
          </select></div>
        <div><label for="f-function">Function</label>
          <select id="f-function" value={filter.function ?? ''} onChange={set('function')}>
            <option value="">all</option>{functions.map((f) => <option key={f} value={f}>{f}</option>)}
          </select></div>
        <div><label for="f-status">Status</label>
          <select id="f-status" value={filter.status ?? ''} onChange={set('status')}>
            <option value="">all</option><option value="ok">ok</option><option value="error">error</option><option value="unmatched">unmatched</option>
          </select></div>
        <div><label for="f-search">Search (event type, path, id…)</label>
          <input id="f-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} /></div>
      </form>
      <ErrorNotice error={error} />
      {gap > 0 && <div class="notice" role="status">{gap} entries were dropped from the server's buffer while disconnected.</div>}
      <p id="activity-count" class="muted">{count}</p>
      <p aria-live="polite" aria-atomic="true" class="sr-only">{announced}</p>
      <div class="list-head" aria-hidden="true"><span>Time</span><span>Kind</span><span>What</span><span>Function / type</span><span>Status</span></div>
      <VirtualList
        id="activity"
        label="Activity, newest first"
        items={shown}
        keyOf={(e) => e.id}
        renderRow={(e) => <Row e={e} />}
        onOpen={(e) => { const href = storyHref(e); if (href) location.hash = href; }}
      />
      {next !== undefined && <p><button type="button" onClick={loadOlder}>Load older entries</button></p>}
    </section>
  );
}
