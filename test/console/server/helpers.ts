/**
 * Shared by the console server's tests: JSON calls to a running console, and a reader of its
 * server-sent events stream.
 */
import * as http from 'node:http';
import type { LocalApp } from '../../../lib/local';
import { ActivityBuffer } from '../../../lib/local/console/activity-buffer';
import type { ActivityEntry } from '../../../lib/local/console/api-types';

/** An answer of the console: its status and parsed JSON body. */
export interface Answer<T = any> {
  readonly status: number;
  readonly body: T;
}

/** GET or POST (with a JSON body) a path of the app's console. */
export async function call<T = any>(app: LocalApp, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const init: RequestInit = body === undefined ? { headers } : { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) };
  const res = await fetch(new URL(path, app.console!.url), init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** One server-sent event. */
export interface StreamMessage {
  readonly event: string;
  readonly id?: string;
  readonly data: string;
}

/** An open activity stream: messages as they come. */
export interface OpenStream {
  /** Resolves with the first `n` messages (waiting for those not yet received). */
  take(n: number): Promise<StreamMessage[]>;
  /** Resolves with the first comment line (a heartbeat), waiting for it. */
  comment(): Promise<string>;
  close(): void;
}

/** Opens `GET <url>` as an EventSource would, with `Last-Event-ID` when given. */
export function openStream(url: string, lastEventId?: number): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const messages: StreamMessage[] = [];
    const comments: string[] = [];
    const waiters = new Set<() => void>();
    const when = <T>(ready: () => T | undefined) =>
      new Promise<T>((done) => {
        const check = () => {
          const value = ready();
          if (value === undefined) return;
          waiters.delete(check);
          done(value);
        };
        waiters.add(check);
        check();
      });
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) } }, (res) => {
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const fields = parseBlock(block, comments);
          if (fields) messages.push(fields);
        }
        for (const check of [...waiters]) check();
      });
      resolve({
        take: (n) => when(() => (messages.length >= n ? messages.slice(0, n) : undefined)),
        comment: () => when(() => comments[0]),
        close: () => req.destroy(),
      });
    });
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
  });
}

function parseBlock(block: string, comments: string[]): StreamMessage | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return data.length ? { event, id, data: data.join('\n') } : undefined;
}

/** The entries of stream messages. */
export function entriesOf(messages: readonly StreamMessage[]): ActivityEntry[] {
  return messages.filter((m) => m.event === 'message').map((m) => JSON.parse(m.data) as ActivityEntry);
}

/** Resolves once `test` holds, checking after each entry of the app's console (or of `buffer`); bounded by the test's timeout. */
export function until(source: LocalApp | ActivityBuffer, test: () => boolean): Promise<void> {
  const buffer = source instanceof ActivityBuffer ? source : source.console!.activity;
  return new Promise((resolve) => {
    const check = () => {
      if (!test()) return;
      buffer.off('entry', check);
      resolve();
    };
    buffer.on('entry', check);
    check();
  });
}
