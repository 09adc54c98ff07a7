/**
 * `GET /api/events/:id` and `GET /api/invocations/:requestId`: an event's story (its rules,
 * matched or not and why, each delivery with its attempts, where it ended) and an invocation's
 * (its log lines, the events it published, the request that caused it), from the ledger, the
 * pattern engine and the activity buffer.
 */
import type { DeliveryRecord } from '../events/ledger';
import type { LocalApp } from '../local-app';
import type { ActivityBuffer } from './activity-buffer';
import type { ActivityEntry, AttemptInfo, DeliveryEntry, DeliveryInfo, EventEntry, EventStory, InvocationEntry, InvocationStory, RequestEntry } from './api-types';
import { ApiProblem } from './http-util';
import { DisplayNames } from './names';
import { errorInfo } from './recorder';

const isInvocation = (e: ActivityEntry): e is InvocationEntry => e.type === 'invocation';

/** Tells the stories of events and invocations. */
export class Stories {
  private readonly names: DisplayNames;

  constructor(private readonly app: LocalApp, private readonly buffer: ActivityBuffer) {
    this.names = new DisplayNames(app);
  }

  /** An event's story; 404 when the event log no longer holds it. */
  event(id: string): EventStory {
    const logged = this.app.ledger.events.get(id);
    if (!logged) throw new ApiProblem(404, 'NotFound', `No event '${id}': the console keeps the most recent events put (and the last ones no rule matched)`);
    const history = this.attemptsByDelivery(id);
    const correlation = (logged.event.detail as { _switchyard?: { correlationId?: unknown } } | undefined)?._switchyard?.correlationId;
    const publishedBy = typeof correlation === 'string' ? this.invocationOf(correlation) : undefined;
    return {
      event: logged.event,
      bus: this.names.bus(logged.bus),
      at: logged.at,
      matchedRules: logged.matchedRules.map((arn) => this.names.rule(arn)!),
      rules: this.app.router.explain(logged.bus, logged.event),
      deliveries: this.app.ledger.list({ eventId: id }).map((d) => this.delivery(d, history.get(d.id) ?? [])),
      publishedBy,
    };
  }

  /** An invocation's story; 404 when the activity holds no invocation with that request id. */
  invocation(requestId: string): InvocationStory {
    // An HTTP handler's correlation id is API Gateway's request id, not Lambda's.
    const request = this.buffer.find((e): e is RequestEntry => e.type === 'request' && (e.functionRequestId === requestId || e.requestId === requestId))[0];
    const ids = new Set([requestId, request?.requestId].filter((x): x is string => x !== undefined));
    const related = this.buffer.find((e) => relatesTo(e, ids));
    const invocations = related.filter(isInvocation);
    if (!invocations.length) throw new ApiProblem(404, 'NotFound', `No invocation '${requestId}' in the activity (it keeps the last ${this.buffer.capacity} entries)`);
    const logs = this.buffer.logsOf(requestId);
    return {
      invocations,
      logs: logs.lines,
      logsTruncated: logs.truncated,
      published: publishedOnce(related.filter((e): e is EventEntry => e.type === 'event')),
      request,
      deliveries: related.filter((e): e is DeliveryEntry => e.type === 'delivery'),
    };
  }

  /** The invocation a correlation id names: its own request id, or the HTTP request that caused it. */
  private invocationOf(correlationId: string): InvocationEntry | undefined {
    const request = this.buffer.find((e): e is RequestEntry => e.type === 'request' && e.requestId === correlationId)[0];
    const requestId = request?.functionRequestId ?? correlationId;
    return this.buffer.find(isInvocation).find((e) => e.requestId === requestId);
  }

  /** A ledger record as the API shows it. */
  delivery(d: DeliveryRecord, history: readonly AttemptInfo[]): DeliveryInfo {
    return {
      id: d.id,
      kind: d.kind,
      rule: this.names.rule(d.ruleArn),
      target: this.names.target(d.targetArn),
      targetArn: d.targetArn,
      state: d.state,
      attempts: d.attempts,
      acceptedAt: d.acceptedAt,
      updatedAt: d.updatedAt,
      nextAttemptAt: d.nextAttemptAt,
      lastError: errorInfo(d.lastError),
      deadLetter: this.names.queue(d.deadLetterArn),
      reason: d.droppedReason ?? d.undeliverableReason ?? d.outcome,
      history,
      redriveOf: d.redriveOf,
    };
  }

  /** The attempts of each delivery of an event, from the activity's delivery entries and the invocations they made. */
  private attemptsByDelivery(eventId: string): Map<string, AttemptInfo[]> {
    const byDelivery = new Map<string, AttemptInfo[]>();
    const entries = this.buffer.find((e): e is DeliveryEntry => e.type === 'delivery' && e.eventId === eventId);
    for (const e of entries) {
      const attempts = byDelivery.get(e.deliveryId) ?? [];
      // Each entry ends one attempt: a retry scheduled after a failure, or the end.
      attempts.push({ attempt: e.attempt, at: e.at, outcome: e.state === 'delivered' ? 'success' : 'error', error: e.state === 'delivered' ? undefined : e.error, nextAttemptAt: e.nextAttemptAt });
      byDelivery.set(e.deliveryId, attempts);
    }
    return byDelivery;
  }
}

/** True for the entries of an invocation's story (`ids`: its request id and its HTTP request's): its invocations, its events, its deliveries. */
function relatesTo(e: ActivityEntry, ids: ReadonlySet<string>): boolean {
  switch (e.type) {
    case 'invocation':
      return ids.has(e.requestId);
    case 'event':
      return e.correlationId !== undefined && ids.has(e.correlationId);
    case 'delivery':
      return e.requestId !== undefined && ids.has(e.requestId);
    default:
      return false;
  }
}

/** Each event once, as it was put: one forwarded to another bus is announced again with its id. */
function publishedOnce(events: readonly EventEntry[]): EventEntry[] {
  const first = new Map<string, EventEntry>();
  for (const e of events) if (!first.has(e.eventId) || e.id < first.get(e.eventId)!.id) first.set(e.eventId, e);
  return events.filter((e) => first.get(e.eventId) === e);
}
