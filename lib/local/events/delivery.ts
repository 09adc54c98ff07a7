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
 * A target the local runtime does not serve (an SNS topic, a state machine, another bus: the
 * model says which and why) is recorded as `undeliverable` at once, with the reason: AWS would
 * deliver there, so neither retries nor the DLQ would be true to it.
 *
 * `Invoke` with `InvocationType: Event` runs stage 2 alone. Every step is in the ledger.
 */
import { randomUUID } from 'node:crypto';
import type { FunctionModel, RuleModel, RuleTargetModel } from '../../model';
import type { FunctionHost } from '../host/function-host';
import type { LambdaErrorPayload } from '../host/protocol';
import type { MessageAttributeValue } from '../sqs/md5';
import type { QueueStore } from '../sqs/queue-store';
import { targetInput } from './input';
import type { DeliveryLedger, DeliveryRecord } from './ledger';
import { eventBridgeDelay, lambdaAsyncDelay, runWithRetries, type AttemptResult } from './retry';

/** Options for {@link Deliverer}. */
export interface DelivererOptions {
  /** Multiplies every retry delay and event age. @default 1 */
  readonly timeScale?: number;
}

/** Delivers events to functions and queues. */
export class Deliverer {
  private readonly timeScale: number;
  private readonly stopping = new AbortController();

  constructor(
    private readonly host: FunctionHost,
    private readonly queues: QueueStore,
    readonly ledger: DeliveryLedger,
    options: DelivererOptions = {},
  ) {
    this.timeScale = options.timeScale ?? 1;
  }

  /**
   * Delivers one event matched by a rule (or fired by a schedule) to one of its targets.
   * Resolves when the delivery has ended or the app stopped; callers need not wait.
   */
  async deliverToRuleTarget(rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>, kind: 'rule' | 'schedule'): Promise<DeliveryRecord> {
    const record = this.ledger.accept({ eventId: String(event.id), kind, ruleArn: rule.arn, targetArn: target.arn });
    if (target.notServed) {
      this.ledger.update(record, { state: 'undeliverable', undeliverableReason: target.notServed });
      return record;
    }
    let input: string;
    try {
      input = targetInput(target, event, rule);
    } catch (err) {
      this.ledger.update(record, { state: 'dropped', droppedReason: `input transformation failed: ${(err as Error).message}` });
      return record;
    }
    const fn = this.host.find(target.arn);
    if (fn) return this.runAsyncInvocation(record, fn, input, randomUUID());
    if (this.isQueue(target.arn)) {
      this.ledger.update(record, { attempts: 1 });
      this.queues.send(target.arn, input);
      this.ledger.update(record, { state: 'delivered' });
      return record;
    }
    // EventBridge cannot hand the event over: retried per the target's policy, then its DLQ.
    const error: LambdaErrorPayload = { errorType: 'RESOURCE_NOT_FOUND', errorMessage: `Target ${target.arn} is not a function or queue of this app` };
    const failure = await runWithRetries(async () => error, { ...target, delaySeconds: eventBridgeDelay }, this.timeScale, this.hooks(record), record.acceptedAt, this.stopping.signal);
    if (failure === 'aborted' || failure === undefined) return record;
    const attributes: Record<string, MessageAttributeValue> = {
      RULE_ARN: str(rule.arn),
      TARGET_ARN: str(target.arn),
      ERROR_CODE: str(error.errorType),
      ERROR_MESSAGE: str(error.errorMessage),
      EXHAUSTED_RETRY_CONDITION: str(failure.condition),
      RETRY_ATTEMPTS: num(failure.attempts - 1),
    };
    this.deadLetter(record, target.deadLetterArn, JSON.stringify(event), attributes, error, 'no dead-letter queue on the rule target');
    return record;
  }

  /** Runs an asynchronous invoke (`InvocationType: Event`) with the function's async settings. */
  invokeAsync(fn: FunctionModel, payload: string, requestId: string): Promise<DeliveryRecord> {
    const record = this.ledger.accept({ eventId: requestId, kind: 'async-invoke', targetArn: fn.arn });
    return this.runAsyncInvocation(record, fn, payload, requestId);
  }

  /** Stops retrying: deliveries in progress stay `pending`/`retrying` in the ledger. */
  stop(): void {
    this.stopping.abort();
  }

  /** Lambda's asynchronous invocation: retries per EventInvokeConfig, then destination or DLQ. */
  private async runAsyncInvocation(record: DeliveryRecord, fn: FunctionModel, payload: string, requestId: string): Promise<DeliveryRecord> {
    let lastPayload = 'null';
    const attempt = async (): Promise<AttemptResult> => {
      try {
        const r = await this.host.invoke(fn.name, { payload, requestId, overflow: 'wait' });
        lastPayload = r.payload;
        return r.error;
      } catch (err) {
        return { errorType: (err as Error).name, errorMessage: (err as Error).message };
      }
    };
    const cfg = fn.asyncConfig;
    const failure = await runWithRetries(attempt, { ...cfg, delaySeconds: lambdaAsyncDelay }, this.timeScale, this.hooks(record), record.acceptedAt, this.stopping.signal);
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
      this.queues.send(dlqArn, body, attributes);
      this.ledger.update(record, { state: 'dead-lettered', lastError: error, deadLetterArn: dlqArn });
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

  private hooks(record: DeliveryRecord) {
    return {
      onAttempt: (attempts: number) => this.ledger.update(record, { attempts }),
      onRetryScheduled: (nextAttemptAt: number, lastError: LambdaErrorPayload) => this.ledger.update(record, { state: 'retrying', nextAttemptAt, lastError }),
    };
  }
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
