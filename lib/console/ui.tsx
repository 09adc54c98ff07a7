/**
 * Small pieces every view uses: loading a resource, showing an error, times, JSON, links.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from './api';

/** A resource loaded from the API: its value, its error, and a reload. */
export interface Loaded<T> {
  readonly value?: T;
  readonly error?: Error;
  readonly loading: boolean;
  reload(): void;
}

/** Loads `load()` on mount and whenever `deps` change; `reload()` loads it again, keeping the last value shown meanwhile. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => mine === seq.current && setState({ value, loading: false }),
      (error: Error) => mine === seq.current && setState((s) => ({ value: s.value, error, loading: false })),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** Calls `fn` at most once per `ms` while `trigger` keeps being called (trailing call kept). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const timer = useRef<number | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}

/**
 * `text` for an aria-live region, updated at most every `ms`: a live count changing on every
 * entry of a flood would have a screen reader queue announcements it can never finish.
 */
export function useAnnounced(text: string, ms: number): string {
  const [announced, setAnnounced] = useState(text);
  const latest = useRef(text);
  latest.current = text;
  const announce = useThrottled(() => setAnnounced(latest.current), ms);
  useEffect(announce, [text]);
  return announced;
}

/**
 * Opens an EventSource on `url` while mounted: each message's parsed data goes to `onEntry`, a
 * `gap` event's missed count (entries the server no longer held on reconnect) to `onGap`.
 */
export function useStream<T>(url: string | undefined, onEntry: (entry: T) => void, onGap?: (missed: number) => void): void {
  const handlers = useRef({ onEntry, onGap });
  handlers.current = { onEntry, onGap };
  useEffect(() => {
    if (!url) return undefined;
    const source = new EventSource(url);
    source.onmessage = (msg) => handlers.current.onEntry(JSON.parse(msg.data as string) as T);
    source.addEventListener('gap', (msg) => handlers.current.onGap?.((JSON.parse((msg as MessageEvent).data as string) as { missed: number }).missed));
    return () => source.close();
  }, [url]);
}

/** An error from the API (or the network), as an alert. */
export function ErrorNotice({ error }: { error?: Error }) {
  if (!error) return null;
  const code = error instanceof ApiFailure ? `${error.code}: ` : '';
  return <div class="notice error" role="alert">{code}{error.message}</div>;
}

/** A resource's value once loaded; a loading line or the error before that. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  if (loaded.value !== undefined) return <>{loaded.error && <ErrorNotice error={loaded.error} />}{children(loaded.value)}</>;
  if (loaded.error) return <ErrorNotice error={loaded.error} />;
  return <p class="muted">Loading…</p>;
}

/** `12:04:05.123` in local time, with the full date as the title. */
export function Time({ at }: { at: number }) {
  const d = new Date(at);
  const text = `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return <time dateTime={d.toISOString()} title={d.toISOString()}>{text}</time>;
}

/** JSON, pretty-printed. */
export function Json({ value, label }: { value: unknown; label?: string }) {
  return <pre aria-label={label} tabIndex={0}>{JSON.stringify(value, null, 2)}</pre>;
}

/** The hash route of an event's story. */
export const eventHref = (id: string) => `#/events/${encodeURIComponent(id)}`;
/** The hash route of an invocation's story. */
export const invocationHref = (requestId: string) => `#/invocations/${encodeURIComponent(requestId)}`;

/** `ok` / `error` / ... as a coloured, worded badge (the word carries the meaning, not the colour). */
export function Status({ status, text }: { status: string; text?: string }) {
  const tone = status === 'ok' || status === 'success' || status === 'delivered' ? 'ok' : status === 'unmatched' || status === 'retrying' || status === 'pending' ? 'warn' : 'bad';
  return <span class={`badge ${tone}`}>{text ?? status}</span>;
}

/** Parses JSON typed into a form, with the reason when it is not JSON. */
export function parseJson(text: string, what: string): { value?: unknown; error?: string } {
  if (!text.trim()) return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `${what} is not valid JSON: ${(err as Error).message}` };
  }
}
