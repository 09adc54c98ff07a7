/** The console's JSON API: the actions (see api-types.ts). */
import type { TableInfo } from './app';
import type { DeliveryInfo, RuleVerdictInfo } from './stories';

/** A PutEvents entry. `Detail` may be given as an object (it is serialized) or as JSON text. */
export interface EventEntryInput {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string | Readonly<Record<string, unknown>>;
  /** @default `default`, as PutEvents (the preview says so when that bus has no rules) */
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
}

/** `POST /api/events`: put one event, as PutEvents does. */
export type PutEventRequest = EventEntryInput;

/** The event id, or PutEvents' error code for the entry (then the answer is 400). */
export interface PutEventResult {
  readonly eventId: string;
  /** The bus it was put on (display name). */
  readonly bus: string;
}

/** `POST /api/events/preview`: which rules an event would match; nothing is delivered. */
export interface PreviewRequest {
  /** A PutEvents entry (as {@link EventEntryInput}) or an EventBridge event as targets receive it. */
  readonly event: Readonly<Record<string, unknown>>;
  /** The bus (name or display name). @default the entry's bus (`default` when it names none); for an event as targets receive it, the app's one bus with rules, else `default` */
  readonly bus?: string;
}

/** The verdicts, from the same engine that routes events. */
export interface PreviewResult {
  readonly bus: string;
  /** The event as it would be delivered. */
  readonly event: Readonly<Record<string, unknown>>;
  readonly rules: readonly RuleVerdictInfo[];
  /** When the bus has no rule with a pattern: where the rules are. */
  readonly note?: string;
}

/** `POST /api/functions/:name/invoke`. */
export interface InvokeRequestBody {
  /** The event (any JSON). @default {} */
  readonly payload?: unknown;
  /** `Event` runs it asynchronously (retries, DLQ), answering at once. @default 'RequestResponse' */
  readonly invocationType?: 'RequestResponse' | 'Event';
}

/** What the invocation answered. */
export interface InvokeResponseBody {
  readonly requestId: string;
  /** 200 (sync) or 202 (async), as Lambda answers. */
  readonly statusCode: number;
  /** `Unhandled` when the function failed. */
  readonly functionError?: string;
  /** The handler's result (parsed when JSON), or the error payload; absent for `Event`. */
  readonly payload?: unknown;
}

/** `POST /api/schedules/:name/trigger`. */
export interface TriggerRequest {
  /** Answer once each target's first attempt ended. @default false */
  readonly wait?: boolean;
}

/** The event the schedule fired and, with `wait`, its deliveries after their first attempt. */
export interface TriggerResult {
  readonly event: Readonly<Record<string, unknown>> & { readonly id: string };
  readonly deliveries?: readonly DeliveryInfo[];
}

/** `POST /api/routes/call`: a request to one of the app's APIs. */
export interface RouteCallRequest {
  readonly method: string;
  /** The path on the API (`/orders?x=1`), or a full local URL of one of its APIs. */
  readonly path: string;
  /** The API (name `dev` prints). @default the first HTTP API, else the first REST API */
  readonly api?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body: text as is, anything else as JSON. */
  readonly body?: unknown;
  /**
   * Add `Authorization: Bearer <token>` from the development issuer (`switchyard token`): true
   * for a token with the scopes the route requires, or the claims to put in it.
   */
  readonly devToken?: boolean | { readonly scopes?: readonly string[]; readonly sub?: string };
}

/** What the API answered. */
export interface RouteCallResult {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (base64 when `bodyEncoding` says so). */
  readonly body: string;
  readonly bodyEncoding: 'utf8' | 'base64';
  /** The API's request id (`apigw-requestid`), to find the request and its invocation in the activity. */
  readonly requestId?: string;
  readonly durationMs: number;
  /** The URL called. */
  readonly url: string;
}

/** `GET /api/tables`. */
export interface TablesList {
  readonly tables: readonly TableInfo[];
}

/**
 * `GET /api/tables/:name/items?limit=&next=`: a read-only scan, items as plain JSON
 * (DynamoDB's types unmarshalled: numbers as numbers, sets as arrays, binary as base64).
 */
export interface TableItemsPage {
  readonly items: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Pass as `next` for the next page; absent on the last. */
  readonly next?: string;
}
