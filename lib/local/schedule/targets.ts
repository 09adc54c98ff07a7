/**
 * What EventBridge Scheduler does when a schedule fires: builds the target's payload, hands it
 * to the target (Lambda asynchronously, SQS, EventBridge PutEvents), retries a hand-over that
 * failed per the target's RetryPolicy and then sends the payload to its dead-letter queue. Each
 * firing is one delivery in the ledger (kind `schedule`), from acceptance to its end.
 *
 * A Lambda target is invoked asynchronously, as Scheduler does: once Lambda has the event,
 * function errors are Lambda's to retry (the function's EventInvokeConfig, its destination or
 * DLQ), which the Deliverer runs on the same ledger record.
 */
import { randomUUID } from 'node:crypto';
import type { RuleModel, RuleTargetModel, ScheduleModel } from '../../model';
import { busNameOf } from '../../model';
import type { Deliverer } from '../events/delivery';
import { envelope, type EventRouter } from '../events/event-router';
import type { DeliveryLedger, DeliveryRecord } from '../events/ledger';
import { eventBridgeDelay, runWithRetries, type AttemptResult, type RetryResume } from '../events/retry';
import type { FunctionHost } from '../host/function-host';
import type { LambdaErrorPayload } from '../host/protocol';
import type { MessageAttributeValue } from '../sqs/md5';
import type { QueueStore } from '../sqs/queue-store';

/** What one firing was: its execution id (the ledger's event id) and the payload sent. */
export interface ScheduleFiring {
  /** Scheduler's execution id, the delivery's event id in the ledger. */
  readonly id: string;
  readonly scheduleArn: string;
  /** The scheduled time of this firing (ISO 8601). */
  readonly scheduledTime: string;
  /** What the target was sent (for EventBridge targets, the event's detail). */
  readonly payload: string;
}

/** What the target deliveries need of the running app. */
export interface ScheduleTargetServices {
  readonly host: FunctionHost;
  readonly queues: QueueStore;
  readonly router: EventRouter;
  readonly deliverer: Deliverer;
  readonly ledger: DeliveryLedger;
  readonly accountId: string;
  readonly region: string;
  /** Multiplies retry delays and event ages. */
  readonly timeScale: number;
  /** Aborts retries when the app stops. */
  readonly signal: AbortSignal;
}

/** Fires a schedule's target once; the delivery goes on in the background. */
export function fireTarget(services: ScheduleTargetServices, schedule: ScheduleModel, scheduledTime: Date): ScheduleFiring {
  const id = randomUUID();
  const firing = { id, scheduleArn: schedule.arn, scheduledTime: scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const payload = payloadOf(services, schedule, firing, 1);
  void deliver(services, schedule, { ...firing, payload });
  return { ...firing, payload };
}

/**
 * The payload: the target's `Input` with Scheduler's context attributes filled in, else the
 * event Scheduler sends a templated target without input (a "Scheduled Event" from
 * `aws.scheduler` whose detail is the text `{}`).
 */
export function payloadOf(services: Pick<ScheduleTargetServices, 'accountId' | 'region'>, schedule: ScheduleModel, firing: Omit<ScheduleFiring, 'payload'>, attempt: number): string {
  const input = schedule.target.input;
  if (input !== undefined) {
    const values: Record<string, string> = {
      'aws.scheduler.schedule-arn': firing.scheduleArn,
      'aws.scheduler.scheduled-time': firing.scheduledTime,
      'aws.scheduler.execution-id': firing.id,
      'aws.scheduler.attempt-number': String(attempt),
    };
    return input.replace(/<(aws\.scheduler\.[a-z-]+)>/g, (whole, name: string) => values[name] ?? whole);
  }
  const event = envelope({ source: 'aws.scheduler', detailType: 'Scheduled Event', detail: '{}', resources: [schedule.arn], time: new Date(firing.scheduledTime), account: services.accountId, region: services.region });
  return JSON.stringify({ ...event, id: firing.id });
}

/** The service of a target ARN (`lambda`, `sqs`, `events`, ...). */
function serviceOf(arn: string): string | undefined {
  return /^arn:[^:]+:([^:]+):/.exec(arn)?.[1];
}

async function deliver(services: ScheduleTargetServices, schedule: ScheduleModel, firing: ScheduleFiring): Promise<DeliveryRecord> {
  const { ledger } = services;
  const target = schedule.target;
  const service = serviceOf(target.arn);
  const fn = service === 'lambda' ? services.host.find(target.arn) : undefined;
  // Lambda: one ledger record through both stages, as for a rule's function target.
  if (fn) return services.deliverer.deliverToRuleTarget(asRule(schedule), asRuleTarget(schedule, firing.payload), { id: firing.id }, 'schedule');
  const record = ledger.accept({ eventId: firing.id, kind: 'schedule', ruleArn: schedule.arn, targetArn: target.arn }, { payload: firing.payload, requestId: firing.id });
  if (service !== 'lambda' && service !== 'sqs' && service !== 'events') {
    ledger.update(record, { state: 'undeliverable', undeliverableReason: `Scheduler targets of ${service ?? target.arn} are not served by switchyard dev (Lambda, SQS and EventBridge are)` });
    return record;
  }
  return handOverWithRetries(services, schedule, record, firing);
}

/**
 * Carries on a firing kept from an earlier run of the app (durable state): a Lambda target
 * through the Deliverer (its async stage included), an SQS or EventBridge hand-over from the
 * attempt it stood at. Its scheduled time is when it was accepted.
 */
export function resumeFiring(services: ScheduleTargetServices, schedule: ScheduleModel, record: DeliveryRecord): Promise<DeliveryRecord> {
  const firing = { id: record.eventId, scheduleArn: schedule.arn, scheduledTime: new Date(record.acceptedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  if (services.host.find(schedule.target.arn)) {
    const payload = payloadOf(services, schedule, firing, 1);
    return services.deliverer.resume(record, { ...asRule(schedule), targets: [asRuleTarget(schedule, payload)] });
  }
  const kept = services.ledger.payloadOf(record);
  const payload = kept && 'payload' in kept ? kept.payload : payloadOf(services, schedule, firing, 1);
  const resume = { attemptsEnded: record.attempts, nextAttemptAt: record.state === 'retrying' ? record.nextAttemptAt : undefined, lastError: record.lastError };
  return handOverWithRetries(services, schedule, record, { ...firing, payload }, resume);
}

/** Hands the payload to an SQS or EventBridge target, retrying per the RetryPolicy, then its DLQ. */
async function handOverWithRetries(services: ScheduleTargetServices, schedule: ScheduleModel, record: DeliveryRecord, firing: ScheduleFiring, resume?: RetryResume): Promise<DeliveryRecord> {
  const { ledger } = services;
  const target = schedule.target;
  let attempt = resume?.attemptsEnded ?? 0;
  const hooks = {
    onAttempt: (attempts: number) => ledger.update(record, { attempts }),
    onRetryScheduled: (nextAttemptAt: number, lastError: LambdaErrorPayload) => ledger.update(record, { state: 'retrying', nextAttemptAt, lastError }),
  };
  const handOver = async (): Promise<AttemptResult> => handOverOnce(services, schedule, payloadOf(services, schedule, firing, ++attempt));
  const failure = await runWithRetries(handOver, { ...target, delaySeconds: eventBridgeDelay }, services.timeScale, hooks, { acceptedAt: record.acceptedAt, signal: services.signal, resume });
  if (failure === 'aborted') return record;
  if (!failure) {
    ledger.update(record, { state: 'delivered' });
    return record;
  }
  deadLetter(services, record, schedule, firing.payload, failure.error, {
    EXHAUSTED_RETRY_CONDITION: str(failure.condition),
    RETRY_ATTEMPTS: num(failure.attempts - 1),
  });
  return record;
}

/** One attempt to hand the payload to an SQS or EventBridge target; the error when it cannot be. */
function handOverOnce(services: ScheduleTargetServices, schedule: ScheduleModel, payload: string): AttemptResult {
  const target = schedule.target;
  if (serviceOf(target.arn) === 'sqs') {
    const queue = services.queues.list().find((q) => q.model.arn === target.arn);
    if (!queue) return { errorType: 'AWS.SimpleQueueService.NonExistentQueue', errorMessage: `The specified queue does not exist: ${target.arn}` };
    services.queues.send(target.arn, payload, {}, { messageGroupId: target.messageGroupId });
    return undefined;
  }
  const bus = /:event-bus\//.test(target.arn) ? (services.router.bus(target.arn) ?? services.router.bus(busNameOf(target.arn))) : undefined;
  if (!bus) return { errorType: 'ResourceNotFoundException', errorMessage: `Target ${target.arn} is not a function, queue or event bus of this app` };
  let detail: unknown;
  try {
    detail = JSON.parse(payload);
  } catch {
    detail = undefined;
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { errorType: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
  const params = target.eventBridge ?? { detailType: 'Scheduled Event', source: 'aws.scheduler' };
  const event = envelope({ source: params.source, detailType: params.detailType, detail, resources: [schedule.arn], time: new Date(), account: services.accountId, region: services.region });
  services.router.route(bus.arn, event);
  return undefined;
}

/** Scheduler's dead-letter message: the payload, with what failed in its attributes. */
function deadLetter(services: ScheduleTargetServices, record: DeliveryRecord, schedule: ScheduleModel, payload: string, error: LambdaErrorPayload, extra: Record<string, MessageAttributeValue>): void {
  const dlq = schedule.target.deadLetterArn;
  const queue = dlq ? services.queues.list().find((q) => q.model.arn === dlq) : undefined;
  if (!dlq) {
    services.ledger.update(record, { state: 'dropped', lastError: error, droppedReason: 'no dead-letter queue on the schedule (Scheduler drops such invocations)' });
  } else if (!queue) {
    services.ledger.update(record, { state: 'dropped', lastError: error, droppedReason: `dead-letter target ${dlq} is not a queue of this app` });
  } else {
    const attributes = { ERROR_CODE: str(error.errorType), ERROR_MESSAGE: str(error.errorMessage.slice(0, 1024)), SCHEDULE_ARN: str(schedule.arn), TARGET_ARN: str(schedule.target.arn), ...extra };
    services.queues.send(dlq, payload, attributes);
    services.ledger.update(record, { state: 'dead-lettered', lastError: error, deadLetterArn: dlq });
  }
}

/** The schedule in the shape the Deliverer's rule-target path takes (its ARN is the ledger's `ruleArn`). */
function asRule(schedule: ScheduleModel): RuleModel {
  return { stack: schedule.stack ?? '', logicalId: schedule.logicalId ?? schedule.name, name: schedule.name, arn: schedule.arn, eventBusName: 'default', state: schedule.state, targets: [] };
}

function asRuleTarget(schedule: ScheduleModel, payload: string): RuleTargetModel {
  const t = schedule.target;
  return { id: schedule.name, arn: t.arn, maximumRetryAttempts: t.maximumRetryAttempts, maximumEventAgeInSeconds: t.maximumEventAgeInSeconds, deadLetterArn: t.deadLetterArn, input: payload };
}

function str(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function num(value: number): MessageAttributeValue {
  return { DataType: 'Number', StringValue: String(value) };
}
