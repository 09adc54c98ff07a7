/**
 * Asynchronous delivery, in AWS's two stages:
 *
 * 1. EventBridge -> target. For a Lambda target EventBridge makes an *asynchronous* invoke, which
 *    Lambda accepts at once; only a failure to hand the event over (the function does not exist
 *    locally) is retried per the target's RetryPolicy and then sent to the target's DLQ, with
 *    RULE_ARN, TARGET_ARN, ERROR_CODE and ERROR_MESSAGE attributes. Queue targets get a message.
 * 2. Lambda async invocation. Function errors are retried per the function's EventInvokeConfig
 *    (default 2 retries, about 1 and 2 minutes apart, 6 hours' event age), then sent to its
 *    on-failure destination (the invocation record) or its DeadLetterConfig queue (the event,
 *    with RequestID/ErrorCode/ErrorMessage attributes). AWS discards the event when neither is
 *    configured; locally it is recorded as `dropped`, never lost without trace.
 *
 * A rule's target that is another event bus hands the event to that bus's rules (see
 * {@link Deliverer.busTargets}); a bus the app does not have fails as a function that does not
 * exist does: retried per the target's RetryPolicy, then its DLQ.
 *
 * A target the local runtime does not serve (an SNS topic, a state machine: the
 * model says which and why) is recorded as `undeliverable` at once, with the reason: AWS would
 * deliver there, so neither retries nor the DLQ would be true to it.
 *
 * `Invoke` with `InvocationType: Event` runs stage 2 alone. Every step is in the ledger.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { FunctionModel, RuleModel, RuleTargetModel } from '../../model';
import type { FunctionHost } from '../host/function-host';
import type { LambdaErrorPayload } from '../host/protocol';
import type { MessageAttributeValue } from '../sqs/md5';
import type { QueueStore } from '../sqs/queue-store';
import { targetInput } from './input';
import type { DeliveryLedger, DeliveryRecord } from './ledger';
import { eventBridgeDelay, lambdaAsyncDelay, runWithRetries, type AttemptResult, type RetryPolicy, type RetryResume } from './retry';

/** Deliveries in progress past which new events are refused (see {@link DelivererOptions.maxBacklog}). */
export const DEFAULT_MAX_BACKLOG = 10_000;

/** Options for {@link Deliverer}. */
export interface DelivererOptions {
  /** Multiplies every retry delay and event age. @default 1 */
  readonly timeScale?: number;
  /**
   * Deliveries accepted and not yet ended (pending or retrying) past which {@link admit}
   * refuses new events, so that a flood waits at its senders, not in memory.
   * @default DEFAULT_MAX_BACKLOG
   */
  readonly maxBacklog?: number;
  /**
   * Resolves once the ledger's changes so far are kept (on disk, when the app keeps state):
   * awaited before each invocation, so that an attempt in flight when `dev` is killed is known
   * to have been in flight at the next start.
   * @default nothing to wait for
   */
  readonly kept?: () => Promise<void>;
}

/** The delivery a dead letter came from (its record, or what the message's attributes tell of it when the ledger forgot it). */
export type RedriveOrigin = Pick<DeliveryRecord, 'eventId' | 'kind' | 'ruleArn' | 'targetArn'> & { readonly id?: string };

/** Where {@link Deliverer.redrive} sends an event that EventBridge could not hand to a rule target. */
export interface RedriveToRuleTarget {
  readonly rule: RuleModel;
  readonly target: RuleTargetModel;
  readonly event: Record<string, unknown>;
}

/** Too many deliveries in progress to accept more events (PutEvents: ThrottlingException). */
export class DeliveryBacklogFullError extends Error {
  /** Stable code. */
  readonly code = 'DeliveryBacklogFull';
  constructor(readonly backlog: number) {
    super(`Rate exceeded: ${backlog} deliveries are pending or retrying locally (the bound set by maxBacklog); retry once some have ended`);
    this.name = 'DeliveryBacklogFullError';
  }
}

/** Delivers events to functions and queues. */
export class Deliverer {
  private readonly timeScale: number;
  private readonly maxBacklog: number;
  /** Undefined when nothing needs waiting for (the app keeps no state): attempts then start at once. */
  private readonly kept?: () => Promise<void>;
  private readonly stopping = new AbortController();
  /**
   * Hands an event a rule matched to its event bus target; the error when it cannot (no such
   * bus, or the bus's policy does not admit the sender). Set by the app: the router it forwards
   * through depends on this deliverer.
   */
  busTargets?: (rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>) => Promise<LambdaErrorPayload | undefined>;

  constructor(
    private readonly host: FunctionHost,
    private readonly queues: QueueStore,
    readonly ledger: DeliveryLedger,
    options: DelivererOptions = {},
  ) {
    this.timeScale = options.timeScale ?? 1;
    this.maxBacklog = options.maxBacklog ?? DEFAULT_MAX_BACKLOG;
    this.kept = options.kept;
    // Every retry waiting for its time listens for the stop (and stops listening when it ends):
    // thousands at once under load are expected, not a leak.
    setMaxListeners(0, this.stopping.signal);
  }

  /**
   * Throws DeliveryBacklogFullError when the deliveries in progress reached the bound: what AWS
   * answers a caller over its quota, which the SDK retries with backoff. Schedules are never
   * refused (nobody would retry them); a batch admitted may take the backlog a little past it.
   */
  admit(): void {
    if (this.ledger.inProgress >= this.maxBacklog) throw new DeliveryBacklogFullError(this.ledger.inProgress);
  }

  /**
   * Delivers one event matched by a rule (or fired by a schedule) to one of its targets.
   * Resolves when the delivery has ended or the app stopped; callers need not wait.
   * `eventJson` is the event's JSON when the caller has it (see targetInput).
   */
  deliverToRuleTarget(rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>, kind: 'rule' | 'schedule', eventJson?: string): Promise<DeliveryRecord> {
    const requestId = randomUUID();
    const record = this.ledger.accept({ eventId: String(event.id), kind, ruleArn: rule.arn, targetArn: target.arn }, { event, requestId });
    return this.runRuleTarget(record, rule, target, event, requestId, undefined, eventJson);
  }

  /**
   * Carries on a delivery kept from an earlier run of the app, from where it stood: a retry
   * waits what is left of its delay (none if it passed), an attempt that was in flight is made
   * again (counted in `interruptions`), and an event past its maximum age goes to its DLQ.
   * `rule` is the delivery's rule in the app now; a rule, target or function no longer in the
   * app ends the delivery `dropped`, saying so.
   */
  resume(record: DeliveryRecord, rule: RuleModel | undefined): Promise<DeliveryRecord> {
    const payload = this.ledger.payloadOf(record);
    const interrupted = record.inFlightSince !== undefined;
    const resume: RetryResume = {
      attemptsEnded: interrupted ? record.attempts - 1 : record.attempts,
      nextAttemptAt: record.state === 'retrying' ? record.nextAttemptAt : undefined,
      lastError: record.lastError,
    };
    if (interrupted) this.ledger.update(record, { inFlightSince: undefined, interruptions: (record.interruptions ?? 0) + 1 });
    const drop = (droppedReason: string) => (this.ledger.update(record, { state: 'dropped', droppedReason }), Promise.resolve(record));
    if (!payload) return drop('its payload was not kept across the restart');
    if ('payload' in payload) {
      const fn = this.host.find(record.targetArn);
      return fn ? this.runAsyncInvocation(record, fn, payload.payload, payload.requestId, resume) : drop(`function ${record.targetArn} is no longer in the app`);
    }
    const target = rule?.targets.find((t) => t.arn === record.targetArn);
    if (!rule || !target) return drop(`rule ${record.ruleArn} with target ${record.targetArn} is no longer in the app`);
    return this.runRuleTarget(record, rule, target, payload.event, payload.requestId, resume);
  }

  /** Runs an asynchronous invoke (`InvocationType: Event`) with the function's async settings. */
  invokeAsync(fn: FunctionModel, payload: string, requestId: string): Promise<DeliveryRecord> {
    const record = this.ledger.accept({ eventId: requestId, kind: 'async-invoke', targetArn: fn.arn }, { payload, requestId });
    return this.runAsyncInvocation(record, fn, payload, requestId);
  }

  /**
   * Sends a dead letter of `original` back to its target as a new delivery (its `redriveOf`),
   * through the same path with the same retries and DLQ: a function gets `payload` as an
   * asynchronous invoke; a rule target that EventBridge could not reach gets the event again.
   * Returns the delivery once it is accepted (handed over), before its first attempt.
   */
  redrive(original: RedriveOrigin, to: { readonly fn: FunctionModel; readonly payload: string } | RedriveToRuleTarget): DeliveryRecord {
    const requestId = randomUUID();
    const init = { eventId: original.eventId, kind: original.kind, ruleArn: original.ruleArn, targetArn: original.targetArn, redriveOf: original.id };
    if ('fn' in to) {
      const record = this.ledger.accept(init, { payload: to.payload, requestId });
      void this.runAsyncInvocation(record, to.fn, to.payload, requestId);
      return record;
    }
    const record = this.ledger.accept(init, { event: to.event, requestId });
    void this.runRuleTarget(record, to.rule, to.target, to.event, requestId);
    return record;
  }

  /** Stops retrying: deliveries in progress stay `pending`/`retrying` in the ledger. */
  stop(): void {
    this.stopping.abort();
  }

  private async runRuleTarget(record: DeliveryRecord, rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>, requestId: string, resume?: RetryResume, eventJson?: string): Promise<DeliveryRecord> {
    if (target.notServed) {
      this.ledger.update(record, { state: 'undeliverable', undeliverableReason: target.notServed });
      return record;
    }
    if (this.busTargets && isBusTarget(target)) return this.runBusTarget(record, rule, target, event, resume);
    let input: string;
    try {
      input = targetInput(target, event, rule, eventJson);
    } catch (err) {
      this.ledger.update(record, { state: 'dropped', droppedReason: `input transformation failed: ${(err as Error).message}` });
      return record;
    }
    const fn = this.host.find(target.arn);
    if (fn) return this.runAsyncInvocation(record, fn, input, requestId, resume);
    if (this.isQueue(target.arn)) {
      this.ledger.update(record, { attempts: record.attempts + 1 });
      this.queues.send(target.arn, input, {}, { messageGroupId: target.messageGroupId });
      this.ledger.update(record, { state: 'delivered' });
      return record;
    }
    const error: LambdaErrorPayload = { errorType: 'RESOURCE_NOT_FOUND', errorMessage: `Target ${target.arn} is not a function or queue of this app` };
    return this.handOver(record, rule, target, event, async () => error, resume);
  }

  /** A rule's event bus target: the event goes through that bus's rules, unchanged (no input transformation: EventBridge sends the event itself). */
  private runBusTarget(record: DeliveryRecord, rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>, resume?: RetryResume): Promise<DeliveryRecord> {
    return this.handOver(record, rule, target, event, () => this.busTargets!(rule, target, event), resume);
  }

  /** EventBridge handing an event to a target: retried per the target's policy while it fails (see isRetryable), then its DLQ. */
  private async handOver(record: DeliveryRecord, rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>, attempt: () => Promise<AttemptResult>, resume?: RetryResume): Promise<DeliveryRecord> {
    const failure = await runWithRetries(attempt, { ...target, delaySeconds: eventBridgeDelay, retryable: isRetryable }, this.timeScale, this.hooks(record), this.run(record, resume));
    if (failure === 'aborted') return record;
    if (failure === undefined) {
      this.ledger.update(record, { state: 'delivered' });
      return record;
    }
    const error = failure.error;
    const attributes: Record<string, MessageAttributeValue> = {
      RULE_ARN: str(rule.arn),
      TARGET_ARN: str(target.arn),
      ERROR_CODE: str(error.errorType),
      ERROR_MESSAGE: str(error.errorMessage),
      EXHAUSTED_RETRY_CONDITION: str(failure.condition),
      RETRY_ATTEMPTS: num(Math.max(0, failure.attempts - 1)),
    };
    this.deadLetter(record, target.deadLetterArn, JSON.stringify(event), attributes, error, 'no dead-letter queue on the rule target');
    return record;
  }

  /** Lambda's asynchronous invocation: retries per EventInvokeConfig, then destination or DLQ. */
  private async runAsyncInvocation(record: DeliveryRecord, fn: FunctionModel, payload: string, requestId: string, resume?: RetryResume): Promise<DeliveryRecord> {
    // What the destination's record shows as the function's answer: the last attempt's, or
    // after a restart until an attempt is made, the error kept with the delivery.
    let lastPayload = resume?.lastError ? JSON.stringify(resume.lastError) : 'null';
    const attempt = async (): Promise<AttemptResult> => {
      // The attempt is known to be in flight before it starts (a failed write is the endpoint's to report).
      if (this.kept) await this.kept().catch(() => undefined);
      try {
        const r = await this.host.invoke(fn.name, { payload, requestId, overflow: 'wait' });
        lastPayload = r.payload;
        return r.error;
      } catch (err) {
        return { errorType: (err as Error).name, errorMessage: (err as Error).message };
      }
    };
    const cfg = fn.asyncConfig;
    const failure = await runWithRetries(attempt, lambdaAsyncPolicy(cfg), this.timeScale, this.hooks(record), this.run(record, resume));
    // Stopped mid-way: the record stays pending or retrying, which is the truth.
    if (failure === 'aborted') return record;
    if (!failure) {
      if (cfg.onSuccessArn && this.isQueue(cfg.onSuccessArn)) {
        this.queues.send(cfg.onSuccessArn, invocationRecord(fn, requestId, payload, lastPayload, 'Success', record.attempts, undefined));
      }
      this.ledger.update(record, { state: 'delivered' });
      return record;
    }
    if (cfg.onFailureArn) {
      const condition = failure.condition === 'MaximumEventAgeInSeconds' ? 'EventAgeExceeded' : 'RetriesExhausted';
      this.deadLetter(record, cfg.onFailureArn, invocationRecord(fn, requestId, payload, lastPayload, condition, failure.attempts, failure.error), {}, failure.error, '');
    } else {
      const attributes = { RequestID: str(requestId), ErrorCode: num(200), ErrorMessage: str(failure.error.errorMessage.slice(0, 1024)) };
      const why = `function failed after Lambda's async retries and has no on-failure destination or DLQ (AWS discards such events)`;
      this.deadLetter(record, cfg.deadLetterArn, payload, attributes, failure.error, why);
    }
    return record;
  }

  private deadLetter(record: DeliveryRecord, dlqArn: string | undefined, body: string, attributes: Record<string, MessageAttributeValue>, error: LambdaErrorPayload, noDlqReason: string): void {
    if (!dlqArn) {
      this.ledger.update(record, { state: 'dropped', lastError: error, droppedReason: noDlqReason });
    } else if (!this.isQueue(dlqArn)) {
      this.ledger.update(record, { state: 'dropped', lastError: error, droppedReason: `dead-letter target ${dlqArn} is not a queue of this app` });
    } else {
      const sent = this.queues.send(dlqArn, body, attributes);
      this.ledger.update(record, { state: 'dead-lettered', lastError: error, deadLetterArn: dlqArn, deadLetterMessageId: sent.messageId });
    }
  }

  private isQueue(arn: string): boolean {
    if (!arn.includes(':sqs:')) return false;
    try {
      this.queues.get(arn);
      return true;
    } catch {
      return false;
    }
  }

  private run(record: DeliveryRecord, resume: RetryResume | undefined) {
    return { acceptedAt: record.acceptedAt, signal: this.stopping.signal, resume };
  }

  private hooks(record: DeliveryRecord) {
    return {
      onAttempt: (attempts: number) => this.ledger.update(record, { attempts, inFlightSince: Date.now() }),
      onRetryScheduled: (nextAttemptAt: number, lastError: LambdaErrorPayload) => this.ledger.update(record, { state: 'retrying', nextAttemptAt, lastError, inFlightSince: undefined }),
    };
  }
}

/** Whether each rule target is an event bus, decided once per target rather than per delivery. */
const busTargetArns = new WeakMap<RuleTargetModel, boolean>();

function isBusTarget(target: RuleTargetModel): boolean {
  let bus = busTargetArns.get(target);
  if (bus === undefined) busTargetArns.set(target, (bus = /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//.test(target.arn)));
  return bus;
}

/** Each function's async retry policy, made once per configuration rather than per delivery. */
const asyncPolicies = new WeakMap<FunctionModel['asyncConfig'], RetryPolicy>();

function lambdaAsyncPolicy(cfg: FunctionModel['asyncConfig']): RetryPolicy {
  let policy = asyncPolicies.get(cfg);
  if (!policy) asyncPolicies.set(cfg, (policy = { maximumRetryAttempts: cfg.maximumRetryAttempts, maximumEventAgeInSeconds: cfg.maximumEventAgeInSeconds, delaySeconds: lambdaAsyncDelay }));
  return policy;
}

/** The record Lambda sends to an async invocation's destination. */
function invocationRecord(fn: FunctionModel, requestId: string, payload: string, response: string, condition: string, attempts: number, error: LambdaErrorPayload | undefined): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition, approximateInvokeCount: attempts },
    requestPayload: safeParse(payload),
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(error ? { functionError: 'Unhandled' } : {}) },
    responsePayload: safeParse(response),
  });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function str(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

function num(value: number): MessageAttributeValue {
  return { DataType: 'Number', StringValue: String(value) };
}

/**
 * Whether EventBridge retries a failed hand-over: not one that missing permissions refused,
 * which "no retry attempts will happen until action is taken" (EventBridge User Guide, "Using
 * dead-letter queues to process undelivered events"): it goes to the DLQ at once. A target this
 * app does not have is retried: in AWS it may exist (another account's function, say).
 */
function isRetryable(error: LambdaErrorPayload): boolean {
  return error.errorType !== 'NO_PERMISSIONS';
}
