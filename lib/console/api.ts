/**
 * The console's client of the JSON API under `/api/` (lib/local/console/api-types.ts): one
 * typed function per route, same-origin, and one error type carrying the server's code.
 */
import type * as Api from '../local/console/api-types';

/** A non-2xx answer: the server's `{error, message}` and the HTTP status. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json ?? {}) as Partial<Api.ApiError>;
    throw new ApiFailure(res.status, err.error ?? `HTTP${res.status}`, err.message ?? text);
  }
  return json as T;
}

const enc = encodeURIComponent;

/** Query string of the defined values. */
function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The server-side filters of the activity. */
export interface ActivityFilter {
  readonly type?: string;
  readonly function?: string;
  readonly status?: string;
  /** Text the entries contain, searched by the server over every entry it keeps. */
  readonly q?: string;
}

/** Every route of the API, typed. */
export const api = {
  app: () => call<Api.AppOverview>('GET', '/api/app'),
  activity: (f: ActivityFilter & { limit?: number; before?: number }) => call<Api.ActivityPage>('GET', `/api/activity${query({ ...f })}`),
  streamUrl: (f: ActivityFilter) => `/api/activity/stream${query({ ...f })}`,
  event: (id: string) => call<Api.EventStory>('GET', `/api/events/${enc(id)}`),
  invocation: (requestId: string) => call<Api.InvocationStory>('GET', `/api/invocations/${enc(requestId)}`),
  deadLetters: () => call<Api.DeadLetters>('GET', '/api/dead-letters'),
  redrive: (queue: string, ids?: string[]) => call<Api.RedriveResult>('POST', `/api/dead-letters/${enc(queue)}/redrive`, ids ? { ids } : {}),
  deleteDeadLetters: (queue: string, ids?: string[]) => call<Api.DeleteResult>('POST', `/api/dead-letters/${enc(queue)}/delete`, ids ? { ids } : {}),
  putEvent: (entry: Api.PutEventRequest) => call<Api.PutEventResult>('POST', '/api/events', entry),
  preview: (req: Api.PreviewRequest) => call<Api.PreviewResult>('POST', '/api/events/preview', req),
  invoke: (name: string, body: Api.InvokeRequestBody) => call<Api.InvokeResponseBody>('POST', `/api/functions/${enc(name)}/invoke`, body),
  trigger: (name: string) => call<Api.TriggerResult>('POST', `/api/schedules/${enc(name)}/trigger`, { wait: true }),
  callRoute: (req: Api.RouteCallRequest) => call<Api.RouteCallResult>('POST', '/api/routes/call', req),
  tables: () => call<Api.TablesList>('GET', '/api/tables'),
  items: (name: string, next?: string) => call<Api.TableItemsPage>('GET', `/api/tables/${enc(name)}/items${query({ limit: 50, next })}`),
};

export type { Api };
