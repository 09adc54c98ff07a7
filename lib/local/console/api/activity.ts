/** The console's JSON API: the activity, `GET /api/activity` and its stream (see api-types.ts). */

/** Entry kinds, for `type=` (comma-separated for several). */
export type ActivityType = 'request' | 'invocation' | 'event' | 'delivery';

/**
 * What an entry says happened, for `status=`: `ok`; `error` (a 4xx/5xx answer, a failed
 * invocation, a delivery retrying, dead-lettered, dropped or undeliverable); `unmatched` (an
 * event no rule matched).
 */
export type ActivityStatus = 'ok' | 'error' | 'unmatched';

/** What every entry has. */
interface EntryBase {
  /** Increasing, unique in this run of `dev`: the SSE event id, and `before=` of the next page. */
  readonly id: number;
  /** When it happened (epoch ms). */
  readonly at: number;
  readonly status: ActivityStatus;
}

/** A request answered by an HTTP API, a REST API or a function URL. */
export interface RequestEntry extends EntryBase {
  readonly type: 'request';
  readonly api: string;
  readonly method: string;
  readonly path: string;
  /** The route that matched (`GET /items/{id}`), absent when none did. */
  readonly routeKey?: string;
  readonly statusCode: number;
  readonly durationMs: number;
  /** API Gateway's request id (`apigw-requestid`; the HTTP handler's correlation id). */
  readonly requestId?: string;
  /** The Lambda request id of the invocation it caused (HTTP APIs and function URLs). */
  readonly functionRequestId?: string;
  /** The function the route invokes (display name). */
  readonly function?: string;
  /** Why the gateway answered an error of its own. */
  readonly error?: string;
}

/** A Lambda error, as the runtime reports it. */
export interface ErrorInfo {
  readonly type: string;
  readonly message: string;
}

/** One invocation of a function (each retry of an async invoke is one, with the same request id). */
export interface InvocationEntry extends EntryBase {
  readonly type: 'invocation';
  /** The function's display name. */
  readonly function: string;
  readonly requestId: string;
  readonly cold: boolean;
  readonly durationMs: number;
  readonly outcome: 'success' | 'error';
  readonly error?: ErrorInfo;
}

/** An event put on a bus (PutEvents, a schedule firing). */
export interface EventEntry extends EntryBase {
  readonly type: 'event';
  readonly eventId: string;
  /** The bus's display name. */
  readonly bus: string;
  readonly source: string;
  readonly detailType: string;
  /** The rules it matched (display names); empty when none did. */
  readonly matchedRules: readonly string[];
  /** The correlation id `publish()` writes into `detail._switchyard`: the request id of the invocation that put it. */
  readonly correlationId?: string;
}

/** An attempt's outcome or the end of a delivery (one entry per retry scheduled and one at the end). */
export interface DeliveryEntry extends EntryBase {
  readonly type: 'delivery';
  readonly deliveryId: string;
  /** The event id, or the async invoke's request id. */
  readonly eventId: string;
  /** `rule`, `schedule`, `async-invoke`, `sqs-batch`, `stream-batch`, `redrive`. */
  readonly kind: string;
  /** The rule (display name), for rule and schedule deliveries. */
  readonly rule?: string;
  /** The target (display name of the function or queue, else its ARN). */
  readonly target: string;
  /** `retrying`, `delivered`, `failed`, `dead-lettered`, `dropped`, `undeliverable`. */
  readonly state: string;
  /** Attempts made so far. */
  readonly attempt: number;
  readonly error?: ErrorInfo;
  /** When the next attempt is due (epoch ms), while retrying. */
  readonly nextAttemptAt?: number;
  /** The dead-letter queue or destination it went to (display name). */
  readonly deadLetter?: string;
  /** Why it was dropped or is undeliverable. */
  readonly reason?: string;
  /** The delivery this one redrives from a dead-letter queue. */
  readonly redriveOf?: string;
  /** The Lambda request id its invocations share (a function target). */
  readonly requestId?: string;
}

/** One entry of the activity. */
export type ActivityEntry = RequestEntry | InvocationEntry | EventEntry | DeliveryEntry;

/**
 * `GET /api/activity`: newest first. Query: `limit` (1-1000, default 100), `before` (an entry
 * id: entries older than it), `type`, `function` (any name of a function: its invocations, the
 * requests routed to it, deliveries to it), `status`.
 */
export interface ActivityPage {
  readonly entries: readonly ActivityEntry[];
  /** Pass as `before` for the next (older) page; absent on the last. */
  readonly next?: number;
  /** Entries the buffer holds (it keeps the most recent, 10,000 by default). */
  readonly kept: number;
}

/**
 * `GET /api/activity/stream`: server-sent events. Each new entry matching the filters is one
 * message: `id: <entry id>`, `data: <ActivityEntry JSON>`. With `Last-Event-ID` (the browser's
 * EventSource sends it on reconnect) the entries after it still kept are sent first; when some
 * are no longer kept, a `gap` event comes first (data: {@link StreamGap}). A comment line
 * (`: keep-alive`) comes every 15 s.
 */
export interface StreamGap {
  /** Entries after `Last-Event-ID` that the buffer no longer holds. */
  readonly missed: number;
}
