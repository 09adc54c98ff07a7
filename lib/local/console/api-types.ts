/**
 * The local console's JSON API: the request and response of every route under `/api/`, as the
 * browser UI (lib/console/) and any other tool reads them. Types only, so that the UI's bundle
 * takes nothing of the server with it. Times are epoch milliseconds unless a field says ISO.
 *
 * Every error is `4xx`/`5xx` with an {@link ApiError} body; bad input is always a 4xx.
 * POST routes refuse cross-origin requests (403 `CrossOriginRefused`).
 *
 *   GET  /api/app                                   AppOverview
 *   GET  /api/activity?limit=&before=&type=&function=&status=   ActivityPage
 *   GET  /api/activity/stream?type=&function=&status=           text/event-stream of ActivityEntry
 *   GET  /api/events/:id                            EventStory
 *   GET  /api/invocations/:requestId                InvocationStory
 *   GET  /api/dead-letters                          DeadLetters
 *   POST /api/dead-letters/:queue/redrive           DeadLetterSelection -> RedriveResult
 *   POST /api/dead-letters/:queue/delete            DeadLetterSelection -> DeleteResult
 *   POST /api/events                                PutEventRequest -> PutEventResult
 *   POST /api/events/preview                        PreviewRequest -> PreviewResult
 *   POST /api/functions/:name/invoke                InvokeRequestBody -> InvokeResponseBody
 *   POST /api/schedules/:name/trigger               TriggerRequest -> TriggerResult
 *   POST /api/routes/call                           RouteCallRequest -> RouteCallResult
 *   GET  /api/tables                                TablesList
 *   GET  /api/tables/:name/items?limit=&next=       TableItemsPage
 */

/** The body of every error answer. */
export interface ApiError {
  /** A stable code: `ValidationError`, `NotFound`, `CrossOriginRefused`, or the AWS error code of the operation behind the route (`ResourceNotFoundException`, ...). */
  readonly error: string;
  /** What was wrong and, where there is one, how to fix it. */
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// GET /api/app

/** One HTTP route (HTTP API or REST API), or a function URL. */
export interface RouteInfo {
  /** The API's name as `dev` prints it. */
  readonly api: string;
  readonly kind: 'http' | 'rest' | 'function-url';
  /** `GET`, `POST`, ..., `ANY`. */
  readonly method: string;
  /** The path as the route declares it (`/items/{id}`, `/{proxy+}`); `/*` for `$default`. */
  readonly path: string;
  /** The URL to call (the API's local base URL and the path). */
  readonly url: string;
  /** The local port the API listens on. */
  readonly port: number;
  /** `NONE`, `JWT`, `CUSTOM` (a Lambda authorizer), `AWS_IAM`, or `API_KEY` (REST). */
  readonly authorization: string;
  /** The function it invokes (display name), when it invokes one. */
  readonly function?: string;
}

/** One function and its instances now. */
export interface FunctionInfo {
  /** The name `dev` prints (and every route of this API accepts). */
  readonly name: string;
  /** The physical function name. */
  readonly functionName: string;
  readonly arn: string;
  readonly runtime: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  /** Instances started now: idle (warm) and running a call (busy). */
  readonly instances: { readonly warm: number; readonly busy: number };
}

/** A rule or schedule target. */
export interface TargetInfo {
  readonly arn: string;
  /** The display name of the function or queue, else the ARN. */
  readonly name: string;
  readonly kind: 'function' | 'queue' | 'other';
  /** Why the local runtime does not deliver to it (another service), when it does not. */
  readonly notServed?: string;
  /** The target's dead-letter queue (display name). */
  readonly deadLetterQueue?: string;
}

/** A rule with an event pattern. */
export interface RuleInfo {
  readonly name: string;
  readonly arn: string;
  /** The bus's display name. */
  readonly bus: string;
  readonly pattern: unknown;
  /** `ENABLED`, `DISABLED`. */
  readonly state: string;
  readonly targets: readonly TargetInfo[];
  /** Set when the pattern is invalid (the rule never matches). */
  readonly invalid?: string;
}

/** A schedule rule or an EventBridge Scheduler schedule. */
export interface ScheduleInfo {
  /** The name `dev` prints; `POST /api/schedules/:name/trigger` takes it. */
  readonly name: string;
  readonly kind: 'rule' | 'scheduler';
  /** `rate(5 minutes)`, `cron(...)`, `at(...)`. */
  readonly expression: string;
  readonly timeZone: string;
  /** The next firing (ISO), absent when disabled, done or invalid. */
  readonly nextRun?: string;
  readonly state: string;
  readonly targets: readonly TargetInfo[];
  /** Why the expression cannot run locally. */
  readonly error?: string;
}

/** One SQS queue and its depth now. */
export interface QueueInfo {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly fifo: boolean;
  /** Messages visible, in flight (received, not deleted), and delayed. */
  readonly depth: { readonly visible: number; readonly inFlight: number; readonly delayed: number };
  /** True when some target, function or queue of the app dead-letters into it. */
  readonly deadLetterQueue: boolean;
}

/** One DynamoDB table. */
export interface TableInfo {
  readonly name: string;
  /** The physical table name (what `GET /api/tables/:name/items` also accepts). */
  readonly tableName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Items now (read from the local store). */
  readonly itemCount?: number;
}

/** `GET /api/app`: the app at a glance. */
export interface AppOverview {
  readonly region: string;
  readonly accountId: string;
  /** The AWS-compatible endpoint's base URL. */
  readonly awsEndpoint: string;
  readonly routes: readonly RouteInfo[];
  readonly functions: readonly FunctionInfo[];
  readonly buses: readonly string[];
  readonly rules: readonly RuleInfo[];
  readonly schedules: readonly ScheduleInfo[];
  readonly queues: readonly QueueInfo[];
  readonly tables: readonly TableInfo[];
  /** The Mermaid flowchart `switchyard diagram` prints. */
  readonly diagram: string;
  /** Deliveries by state (the ledger's counts). */
  readonly deliveries: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------------
// Activity: GET /api/activity, GET /api/activity/stream

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

// ---------------------------------------------------------------------------------------------
// Stories: GET /api/events/:id, GET /api/invocations/:requestId

/** Whether the event matches one rule of its bus, and why not (the pattern engine's verdict). */
export interface RuleVerdictInfo {
  readonly name: string;
  readonly displayName: string;
  readonly arn: string;
  readonly matched: boolean;
  /** The pattern's explanation: the failing fields with what was expected and found. */
  readonly explanation?: {
    readonly matched: boolean;
    readonly alternatives: number;
    readonly misses: ReadonlyArray<{ readonly field: string; readonly expected: readonly unknown[]; readonly actual: readonly unknown[]; readonly reason: string; readonly nearMisses: readonly unknown[] }>;
  };
  readonly note?: string;
}

/** One attempt of a delivery, as the activity saw it. */
export interface AttemptInfo {
  readonly attempt: number;
  /** When the attempt ended. */
  readonly at: number;
  readonly outcome: 'success' | 'error';
  readonly error?: ErrorInfo;
  /** When the next attempt was due after this one failed. */
  readonly nextAttemptAt?: number;
}

/** One delivery of an event to one target. */
export interface DeliveryInfo {
  readonly id: string;
  readonly kind: string;
  readonly rule?: string;
  readonly target: string;
  readonly targetArn: string;
  /** `pending`, `retrying`, `delivered`, `failed`, `dead-lettered`, `dropped`, `undeliverable`. */
  readonly state: string;
  readonly attempts: number;
  readonly acceptedAt: number;
  readonly updatedAt: number;
  readonly nextAttemptAt?: number;
  readonly lastError?: ErrorInfo;
  /** Where it ended when dead-lettered (display name of the queue). */
  readonly deadLetter?: string;
  /** Why it was dropped or is undeliverable. */
  readonly reason?: string;
  /** The attempts' outcomes the activity still holds, oldest first. */
  readonly history: readonly AttemptInfo[];
  readonly redriveOf?: string;
}

/** `GET /api/events/:id`. 404 when the event is neither recent nor a kept unmatched one. */
export interface EventStory {
  /** The event as targets receive it. */
  readonly event: Readonly<Record<string, unknown>> & { readonly id: string };
  readonly bus: string;
  /** When it was put. */
  readonly at: number;
  /** The rules it matched when it was put. */
  readonly matchedRules: readonly string[];
  /** Every rule of its bus now, matched or not, and why. */
  readonly rules: readonly RuleVerdictInfo[];
  readonly deliveries: readonly DeliveryInfo[];
  /** The invocation that put it (by the correlation id), when the activity still holds it. */
  readonly publishedBy?: InvocationEntry;
}

/** One log line of an invocation. */
export interface LogLine {
  readonly at: number;
  /** `INFO`, `WARN`, `ERROR`, ... */
  readonly level: string;
  readonly text: string;
}

/** `GET /api/invocations/:requestId`. 404 when the activity holds no invocation with that id. */
export interface InvocationStory {
  /** Its invocations, oldest first (an async invoke's retries share the request id). */
  readonly invocations: readonly InvocationEntry[];
  /** Its last log lines (at most 200 kept per request id). */
  readonly logs: readonly LogLine[];
  /** True when older lines were left out. */
  readonly logsTruncated: boolean;
  /** Events it published (their correlation id is its request id). */
  readonly published: readonly EventEntry[];
  /** The HTTP request that caused it. */
  readonly request?: RequestEntry;
  /** The deliveries it was an attempt of. */
  readonly deliveries: readonly DeliveryEntry[];
}

// ---------------------------------------------------------------------------------------------
// Dead letters

/** Where a dead letter came from, and so where a redrive sends it. */
export interface DeadLetterOrigin {
  /**
   * `rule-target` (EventBridge could not hand the event to the target: the body is the event),
   * `async-invoke` (the function failed Lambda's async retries: the body is its payload),
   * `destination` (an on-failure destination's invocation record), `queue` (SQS moved it here
   * from a source queue after maxReceiveCount receives), `unknown`.
   */
  readonly kind: 'rule-target' | 'async-invoke' | 'destination' | 'queue' | 'unknown';
  /** The delivery that ended here. */
  readonly deliveryId?: string;
  readonly eventId?: string;
  readonly rule?: string;
  /** The target (display name): the function, or for `queue` the source queue. */
  readonly target?: string;
}

/** A message of a dead-letter queue. */
export interface DeadLetter {
  readonly messageId: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  /** The body, parsed when it is JSON. */
  readonly body: unknown;
  /** Message attributes, as strings. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly error?: ErrorInfo;
  readonly origin: DeadLetterOrigin;
  /** Whether `redrive` can send it back, and if not why. */
  readonly redrivable: boolean;
  readonly notRedrivable?: string;
}

/** `GET /api/dead-letters`: every dead-letter queue of the app, with its messages. */
export interface DeadLetters {
  readonly queues: ReadonlyArray<QueueInfo & { readonly messages: readonly DeadLetter[] }>;
}

/** Body of `POST /api/dead-letters/:queue/redrive` and `/delete`. */
export interface DeadLetterSelection {
  /** Message ids; every message of the queue when absent. */
  readonly ids?: readonly string[];
}

/** What `redrive` did with each message. */
export interface RedriveResult {
  /** Handed back to their target (and removed from the queue): the new delivery, or the source queue. */
  readonly redriven: ReadonlyArray<{ readonly messageId: string; readonly deliveryId?: string; readonly to: string }>;
  /** Left in the queue, with why. */
  readonly failed: ReadonlyArray<{ readonly messageId: string; readonly error: string; readonly message: string }>;
}

/** What `delete` did. */
export interface DeleteResult {
  readonly deleted: readonly string[];
  /** Ids not in the queue. */
  readonly notFound: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Act

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
