/**
 * The activity's data: a page of `GET /api/activity` for the filter, then every new entry from
 * the SSE stream, applied once per animation frame however fast they arrive, newest first and
 * at most {@link MAX_ENTRIES} (the server's buffer holds as many); older pages on demand.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ActivityFilter, type Api } from '../api';
import { useStream } from '../ui';

/** Entries kept in the browser, as many as the server's buffer holds by default. */
export const MAX_ENTRIES = 10_000;
const PAGE = 1000;

type Entry = Api.ActivityEntry;

/** Newest first, no duplicates, at most MAX_ENTRIES. */
function merge(newer: readonly Entry[], older: readonly Entry[]): Entry[] {
  const seen = new Set<number>();
  const out: Entry[] = [];
  for (const e of [...newer, ...older]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out.sort((a, b) => b.id - a.id).slice(0, MAX_ENTRIES);
}

/** The entries for `filter`, live, and a way to load older ones. */
export function useActivityFeed(filter: ActivityFilter) {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [next, setNext] = useState<number | undefined>();
  const [error, setError] = useState<Error>();
  const [gap, setGap] = useState(0);
  const pending = useRef<Entry[]>([]);
  const frame = useRef(0);

  useEffect(() => {
    let stale = false;
    setEntries([]);
    setNext(undefined);
    api.activity({ ...filter, limit: PAGE }).then((page) => {
      if (stale) return;
      setEntries((live) => merge(live, page.entries));
      setNext(page.next);
    }, setError);
    return () => { stale = true; };
  }, [filter]);

  useStream<Entry>(api.streamUrl(filter), (entry) => {
    pending.current.push(entry);
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const batch = pending.current.reverse();
      pending.current = [];
      setEntries((old) => (old.length && batch[batch.length - 1].id > old[0].id ? [...batch, ...old].slice(0, MAX_ENTRIES) : merge(batch, old)));
    });
  }, (missed) => setGap((g) => g + missed));
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const loadOlder = () => {
    if (next === undefined) return;
    api.activity({ ...filter, limit: PAGE, before: next }).then((page) => {
      setEntries((old) => merge(old, page.entries));
      setNext(page.next);
    }, setError);
  };
  return { entries, next, error, gap, loadOlder };
}
