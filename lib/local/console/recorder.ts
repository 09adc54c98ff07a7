/**
 * Feeds the activity buffer from the app's own emitters, as `dev`'s log lines and the duration
 * recorder (durations.ts) listen: the host's invocations and log lines, the gateways' requests,
 * the event log's events and the ledger's delivery changes. Each listener builds one small
 * object; nothing is serialized here.
 */
import type { HttpRequestRecord } from '../http/gateway';
import type { InvokeResult, FunctionLogRecord } from '../host/function-host';
import type { LoggedEvent } from '../events/event-log';
import type { DeliveryRecord } from '../events/ledger';
import type { LocalApp } from '../local-app';
import type { ActivityBuffer } from './activity-buffer';
import type { ActivityStatus, ErrorInfo } from './api-types';
import { DisplayNames } from './names';

/** Lambda request ids of open deliveries, kept at most this long (they end long before). */
const MAX_OPEN_REQUEST_IDS = 100_000;

/** Listens to a running app and appends what happens to `buffer`; {@link stop} stops listening. */
export class ActivityRecorder {
  private readonly names: DisplayNames;
  /** Route function by `<api name> <route key>`, for request entries. */
  private readonly routeFunctions = new Map<string, string>();
  /** The Lambda request id of each delivery, taken while it is open (the ledger drops it at the end). */
  private readonly deliveryRequestIds = new Map<string, string>();
  private readonly detach: Array<() => void> = [];

  constructor(private readonly app: LocalApp, private readonly buffer: ActivityBuffer) {
    this.names = new DisplayNames(app);
    this.mapRouteFunctions();
    const onInvocation = (r: InvokeResult) => this.invocation(r);
    const onLog = (l: FunctionLogRecord) => l.requestId !== undefined && buffer.log(l.requestId, l.level, l.text);
    const onRequest = (r: HttpRequestRecord) => this.request(r);
    const onEvent = (e: LoggedEvent) => this.event(e);
    const onChange = (d: DeliveryRecord, changed: readonly string[]) => this.delivery(d, changed);
    app.host.on('invocation', onInvocation);
    app.host.on('log', onLog);
    for (const gateway of [app.gateway, app.restGateway, app.functionUrlGateway]) {
      gateway.on('request', onRequest);
      this.detach.push(() => gateway.off('request', onRequest));
    }
    app.ledger.events.on('recorded', onEvent);
    app.ledger.on('change', onChange);
    this.detach.push(
      () => app.host.off('invocation', onInvocation),
      () => app.host.off('log', onLog),
      () => app.ledger.events.off('recorded', onEvent),
      () => app.ledger.off('change', onChange),
    );
  }

  /** Stops listening. */
  stop(): void {
    for (const off of this.detach.splice(0)) off();
  }

  /** The function behind each route of the HTTP and REST APIs and behind each function URL, as the gateways name them in their records. */
  private mapRouteFunctions(): void {
    const { model } = this.app;
    for (const api of model.httpApis) for (const r of api.routes) this.routeFunctions.set(`${api.name} ${r.routeKey}`, this.names.fn(r.functionLogicalId));
    for (const api of model.restApis) {
      for (const m of api.methods) if (m.integration.type === 'AWS_PROXY') this.routeFunctions.set(`${api.name} ${m.routeKey}`, this.names.fn(m.integration.functionLogicalId));
    }
    for (const url of model.functionUrls ?? []) this.routeFunctions.set(`${url.displayName} $default`, this.names.fn(url.functionLogicalId));
  }

  private invocation(r: InvokeResult): void {
    this.buffer.append({
      type: 'invocation',
      at: Date.now(),
      status: r.error ? 'error' : 'ok',
      function: this.names.fn(r.functionName),
      requestId: r.requestId,
      cold: r.cold,
      durationMs: Math.round(r.durationMs * 10) / 10,
      outcome: r.error ? 'error' : 'success',
      error: errorInfo(r.error),
    });
  }

  private request(r: HttpRequestRecord): void {
    this.buffer.append({
      type: 'request',
      at: Date.now(),
      status: r.statusCode >= 400 ? 'error' : 'ok',
      api: r.api,
      method: r.method,
      path: r.path,
      routeKey: r.routeKey,
      statusCode: r.statusCode,
      durationMs: Math.round(r.durationMs * 10) / 10,
      requestId: r.requestId,
      functionRequestId: r.functionRequestId,
      function: r.routeKey === undefined ? undefined : this.routeFunctions.get(`${r.api} ${r.routeKey}`),
      error: r.error,
    });
  }

  private event(logged: LoggedEvent): void {
    const { event } = logged;
    const detail = event.detail as { _switchyard?: { correlationId?: unknown } } | undefined;
    const correlationId = detail?._switchyard?.correlationId;
    this.buffer.append({
      type: 'event',
      at: logged.at,
      status: logged.matchedRules.length ? 'ok' : 'unmatched',
      eventId: event.id,
      bus: this.names.bus(logged.bus),
      source: String(event.source),
      detailType: String(event['detail-type']),
      matchedRules: logged.matchedRules.map((arn) => this.names.rule(arn)!),
      correlationId: typeof correlationId === 'string' ? correlationId : undefined,
    });
  }

  private delivery(d: DeliveryRecord, changed: readonly string[]): void {
    if (changed.includes('attempts')) this.rememberRequestId(d);
    if (!changed.includes('state') || d.state === 'pending') return;
    const requestId = this.deliveryRequestIds.get(d.id);
    if (d.state !== 'retrying') this.deliveryRequestIds.delete(d.id);
    this.buffer.append({
      type: 'delivery',
      at: d.updatedAt,
      status: deliveryStatus(d.state),
      deliveryId: d.id,
      eventId: d.eventId,
      kind: d.kind,
      rule: this.names.rule(d.ruleArn),
      target: this.names.target(d.targetArn),
      state: d.state,
      attempt: d.attempts,
      error: errorInfo(d.lastError),
      nextAttemptAt: d.nextAttemptAt,
      deadLetter: this.names.queue(d.deadLetterArn),
      reason: d.droppedReason ?? d.undeliverableReason ?? d.outcome,
      redriveOf: d.redriveOf,
      requestId,
    });
  }

  /** The Lambda request id an open delivery's attempts share, read while the ledger still holds its payload. */
  private rememberRequestId(d: DeliveryRecord): void {
    const payload = this.app.ledger.payloadOf(d);
    if (!payload || this.deliveryRequestIds.has(d.id)) return;
    this.deliveryRequestIds.set(d.id, payload.requestId);
    if (this.deliveryRequestIds.size > MAX_OPEN_REQUEST_IDS) this.deliveryRequestIds.delete(this.deliveryRequestIds.keys().next().value!);
  }
}

/** `ok` once delivered; `error` while retrying and for every other end. */
function deliveryStatus(state: DeliveryRecord['state']): ActivityStatus {
  return state === 'delivered' ? 'ok' : 'error';
}

/** The longest error message an entry keeps (Lambda's own ErrorMessage attribute keeps 1 KiB; a few more are kept here). */
export const MAX_ERROR_CHARS = 4096;

/** A Lambda error payload as the API shows it, its message cut to {@link MAX_ERROR_CHARS}. */
export function errorInfo(error: { errorType: string; errorMessage: string } | undefined): ErrorInfo | undefined {
  if (!error) return undefined;
  const message = String(error.errorMessage ?? '');
  return { type: String(error.errorType), message: message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS)}… (${message.length - MAX_ERROR_CHARS} more characters)` : message };
}
