/**
 * The dead-letter queues of an app, their messages traced back to the delivery that put them
 * there, and the two actions on them: redrive (back to the original target, through the normal
 * delivery path, as a new delivery in the ledger) and delete.
 *
 * A message is traced by the ledger (a dead-lettered delivery records the message id it got);
 * when the ledger no longer lists it, by what AWS writes into it: EventBridge's RULE_ARN and
 * TARGET_ARN attributes, the function ARN of a destination's invocation record, the source
 * queue of a message SQS moved after maxReceiveCount receives.
 */
import type { AppModel, FunctionModel } from '../../model';
import type { DeliveryRecord } from '../events/ledger';
import type { LocalApp } from '../local-app';
import type { LocalQueue, StoredMessage } from '../sqs/queue-store';
import type { DeadLetter, DeadLetterOrigin, DeleteResult, ErrorInfo, RedriveResult } from './api-types';
import { ApiProblem } from './http-util';
import { DisplayNames } from './names';
import { errorInfo } from './recorder';

/** Where a message goes back to on redrive, or why it cannot. */
type Route =
  | { readonly kind: 'function'; readonly fn: FunctionModel; readonly payload: string }
  | { readonly kind: 'rule-target'; readonly ruleArn: string; readonly targetArn: string; readonly event: Record<string, unknown> }
  | { readonly kind: 'queue'; readonly sourceArn: string }
  | { readonly kind: 'none'; readonly why: string };

/** A message traced to its origin. */
interface Traced {
  readonly origin: DeadLetterOrigin;
  readonly record?: DeliveryRecord;
  readonly error?: ErrorInfo;
  readonly route: Route;
}

/** ARNs of every queue something of the app dead-letters into. */
export function deadLetterArns(model: AppModel): Set<string> {
  const arns = new Set<string>();
  for (const r of model.rules) for (const t of r.targets) if (t.deadLetterArn) arns.add(t.deadLetterArn);
  for (const f of model.functions) for (const a of [f.asyncConfig.deadLetterArn, f.asyncConfig.onFailureArn]) if (a) arns.add(a);
  for (const q of model.queues) if (q.redrive) arns.add(q.redrive.deadLetterTargetArn);
  for (const m of model.eventSourceMappings ?? []) if (m.onFailureArn) arns.add(m.onFailureArn);
  for (const s of model.schedules ?? []) if (s.target.deadLetterArn) arns.add(s.target.deadLetterArn);
  return arns;
}

/** Reads and acts on the app's dead letters. */
export class DeadLetterQueues {
  private readonly names: DisplayNames;
  readonly arns: Set<string>;

  constructor(private readonly app: LocalApp) {
    this.names = new DisplayNames(app);
    this.arns = deadLetterArns(app.model);
  }

  /** The dead-letter queues of the app, in model order. */
  queues(): LocalQueue[] {
    return this.app.queues.list().filter((q) => this.arns.has(q.model.arn));
  }

  /** A dead-letter queue by any name; 404 when it is not one. */
  queue(ref: string): LocalQueue {
    const q = this.queues().find((x) => [x.model.name, x.model.displayName, x.model.arn, x.url].includes(ref));
    if (!q) throw new ApiProblem(404, 'NotFound', `No dead-letter queue '${ref}'. Dead-letter queues: ${this.queues().map((x) => x.model.displayName ?? x.model.name).join(', ') || 'none'}`);
    return q;
  }

  /** Every message of a dead-letter queue, oldest first, traced to its origin. */
  messages(q: LocalQueue): DeadLetter[] {
    const byMessage = this.recordsByMessage();
    return [...q.messages.values()].map((m) => {
      const traced = this.trace(m, byMessage.get(m.messageId));
      const redrivable = traced.route.kind !== 'none';
      return {
        messageId: m.messageId,
        sentAt: m.sentTimestamp,
        receiveCount: m.receiveCount,
        body: parseJson(m.body),
        attributes: Object.fromEntries(Object.entries(m.messageAttributes).map(([k, v]) => [k, v.StringValue ?? v.BinaryValue?.toString() ?? ''])),
        error: traced.error,
        origin: traced.origin,
        redrivable,
        notRedrivable: traced.route.kind === 'none' ? traced.route.why : undefined,
      };
    });
  }

  /**
   * Sends the selected messages (all when `ids` is absent) back where they came from; each is
   * removed from the queue once its new delivery is accepted, or once it is back in its source
   * queue. A message that cannot go back stays, with why.
   */
  redrive(q: LocalQueue, ids: readonly string[] | undefined): RedriveResult {
    const byMessage = this.recordsByMessage();
    const redriven: Array<RedriveResult['redriven'][number]> = [];
    const failed: Array<RedriveResult['failed'][number]> = [];
    for (const id of ids ?? [...q.messages.keys()]) {
      const m = q.messages.get(id);
      if (!m) {
        failed.push({ messageId: id, error: 'NotFound', message: `No message ${id} in ${this.names.queue(q.model.arn)}` });
        continue;
      }
      if (m.visibleAt > Date.now() && m.receiveCount > 0) {
        failed.push({ messageId: id, error: 'MessageInFlight', message: 'A consumer has received it and not yet deleted it: redrive it once it is visible again' });
        continue;
      }
      const traced = this.trace(m, byMessage.get(id));
      const done = this.handOver(traced, m);
      if ('error' in done) failed.push({ messageId: id, ...done });
      else {
        this.app.queues.remove(q.model.arn, id);
        redriven.push({ messageId: id, ...done });
      }
    }
    return { redriven, failed };
  }

  /** Deletes the selected messages (all when `ids` is absent). */
  delete(q: LocalQueue, ids: readonly string[] | undefined): DeleteResult {
    const deleted: string[] = [];
    const notFound: string[] = [];
    for (const id of ids ?? [...q.messages.keys()]) (this.app.queues.remove(q.model.arn, id) ? deleted : notFound).push(id);
    return { deleted, notFound };
  }

  /** Hands a traced message to its target: the new delivery, or the source queue. */
  private handOver(traced: Traced, m: StoredMessage): { deliveryId?: string; to: string } | { error: string; message: string } {
    const { route, record } = traced;
    const origin = { id: record?.id, eventId: record?.eventId ?? traced.origin.eventId ?? m.messageId, kind: record?.kind ?? 'async-invoke', ruleArn: record?.ruleArn, targetArn: record?.targetArn ?? '' };
    switch (route.kind) {
      case 'none':
        return { error: 'NotRedrivable', message: route.why };
      case 'queue':
        this.app.queues.send(route.sourceArn, m.body, { ...m.messageAttributes }, { messageGroupId: m.messageGroupId, messageDeduplicationId: m.messageDeduplicationId });
        return { to: this.names.queue(route.sourceArn)! };
      case 'function': {
        const d = this.app.deliverer.redrive({ ...origin, targetArn: record?.targetArn ?? route.fn.arn }, { fn: route.fn, payload: route.payload });
        return { deliveryId: d.id, to: this.names.fn(route.fn.name) };
      }
      case 'rule-target': {
        const rule = this.app.model.rules.find((r) => r.arn === route.ruleArn);
        const target = rule?.targets.find((t) => t.arn === route.targetArn);
        if (!rule || !target) return { error: 'NotRedrivable', message: `Rule ${route.ruleArn} with target ${route.targetArn} is no longer in the app` };
        const d = this.app.deliverer.redrive({ ...origin, kind: 'rule', ruleArn: rule.arn, targetArn: target.arn }, { rule, target, event: route.event });
        return { deliveryId: d.id, to: this.names.target(target.arn) };
      }
    }
  }

  /** Dead-lettered deliveries the ledger still lists, by the message id they got. */
  private recordsByMessage(): Map<string, DeliveryRecord> {
    const map = new Map<string, DeliveryRecord>();
    for (const d of this.app.ledger.list({ state: 'dead-lettered' })) if (d.deadLetterMessageId) map.set(d.deadLetterMessageId, d);
    return map;
  }

  /** Where a message came from, and where redrive sends it. */
  private trace(m: StoredMessage, record: DeliveryRecord | undefined): Traced {
    const attr = (name: string) => m.messageAttributes[name]?.StringValue;
    const body = parseJson(m.body);
    const invocation = invocationRecordOf(body);
    if (m.deadLetterQueueSourceArn) {
      const source = this.names.queue(m.deadLetterQueueSourceArn);
      return { origin: { kind: 'queue', target: source }, route: { kind: 'queue', sourceArn: m.deadLetterQueueSourceArn } };
    }
    const error = errorInfo(record?.lastError) ?? errorOf(attr, invocation);
    if (record?.kind === 'sqs-batch' || record?.kind === 'stream-batch') {
      const origin: DeadLetterOrigin = { kind: 'destination', deliveryId: record.id, eventId: record.eventId, target: this.names.target(record.targetArn) };
      return { origin, record, error, route: { kind: 'none', why: "an event source mapping's failure record: its records stay in their source (the stream or queue), which is where they are read again" } };
    }
    const fnArn = record?.targetArn ?? invocation?.functionArn?.replace(/:\$LATEST$/, '') ?? this.onlyFunctionWithDlq(m, attr('RequestID'));
    const fn = fnArn === undefined ? undefined : this.app.host.find(fnArn);
    const ruleArn = record?.ruleArn ?? attr('RULE_ARN');
    const base = { deliveryId: record?.id, eventId: record?.eventId ?? attr('RequestID') ?? invocation?.requestId, rule: this.names.rule(ruleArn) };
    if (fn && !(attr('TARGET_ARN') && !record)) {
      const payload = invocation ? JSON.stringify(invocation.requestPayload ?? null) : m.body;
      const origin: DeadLetterOrigin = { ...base, kind: invocation ? 'destination' : 'async-invoke', target: this.names.fn(fn.name) };
      return { origin, record, error, route: { kind: 'function', fn, payload } };
    }
    const targetArn = record?.targetArn ?? attr('TARGET_ARN');
    if (ruleArn && targetArn && isObject(body)) {
      const origin: DeadLetterOrigin = { ...base, kind: 'rule-target', eventId: base.eventId ?? String(body.id), target: this.names.target(targetArn) };
      return { origin, record, error, route: { kind: 'rule-target', ruleArn, targetArn, event: body } };
    }
    return { origin: { ...base, kind: 'unknown' }, record, error, route: { kind: 'none', why: 'its delivery is no longer in the ledger and the message does not say where it came from' } };
  }

  /** For a function DLQ message (its RequestID attribute) no longer in the ledger: the one function with this DLQ, if only one has it. */
  private onlyFunctionWithDlq(m: StoredMessage, requestId: string | undefined): string | undefined {
    if (requestId === undefined) return undefined;
    const q = this.app.queues.list().find((x) => x.messages.get(m.messageId) === m);
    const fns = this.app.model.functions.filter((f) => f.asyncConfig.deadLetterArn === q?.model.arn);
    return fns.length === 1 ? fns[0].arn : undefined;
  }
}

/** The fields of Lambda's invocation record (a destination's message) that redrive needs. */
interface InvocationRecordFields {
  readonly functionArn?: string;
  readonly requestId?: string;
  readonly requestPayload?: unknown;
  readonly error?: ErrorInfo;
}

function invocationRecordOf(body: unknown): InvocationRecordFields | undefined {
  if (!isObject(body) || body.version !== '1.0' || !isObject(body.requestContext) || !('requestPayload' in body)) return undefined;
  const ctx = body.requestContext;
  const response = isObject(body.responsePayload) ? body.responsePayload : undefined;
  const error = response && typeof response.errorType === 'string' ? { type: response.errorType, message: String(response.errorMessage ?? '') } : undefined;
  return { functionArn: typeof ctx.functionArn === 'string' ? ctx.functionArn : undefined, requestId: typeof ctx.requestId === 'string' ? ctx.requestId : undefined, requestPayload: body.requestPayload, error };
}

/** The error a message's attributes or invocation record carry. */
function errorOf(attr: (name: string) => string | undefined, invocation: InvocationRecordFields | undefined): ErrorInfo | undefined {
  if (attr('ERROR_CODE') !== undefined) return { type: attr('ERROR_CODE')!, message: attr('ERROR_MESSAGE') ?? '' };
  if (attr('ErrorMessage') !== undefined) return { type: 'Unhandled', message: attr('ErrorMessage')! };
  return invocation?.error;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
