/**
 * Asynchronous delivery to targets: rule targets (EventBridge semantics) and async invokes
 * (Lambda semantics), each retried per its policy and then dead-lettered with the error
 * attached, every step recorded in the ledger.
 */
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
   * Delivers one event matched by a rule to one of its targets. Resolves when the delivery has
   * ended (delivered, dead-lettered or dropped); callers need not wait.
   *
   * Deviation from AWS, on purpose: EventBridge hands an event to a Lambda target with an
   * asynchronous invoke, so on AWS a function *error* is retried by Lambda's async settings,
   * not the target's RetryPolicy. Locally the target's RetryPolicy and DLQ govern function
   * errors too, which is what a rule target's DLQ is configured for in this library.
   */
  async deliverToRuleTarget(rule: RuleModel, target: RuleTargetModel, event: Record<string, unknown>, kind: 'rule' | 'schedule'): Promise<DeliveryRecord> {
    const record = this.ledger.accept({ eventId: String(event.id), kind, ruleArn: rule.arn, targetArn: target.arn });
    const input = safeInput(target, event);
    if (typeof input !== 'string') {
      this.ledger.update(record, { state: 'dropped', lastError: input, droppedReason: input.errorMessage });
      return record;
    }
    const attempt = this.attemptFor(target.arn, input);
    if (!attempt) {
      this.ledger.update(record, { state: 'dropped', droppedReason: `Target ${target.arn} is not a local function or queue` });
      return record;
    }
    const policy = { ...target, delaySeconds: eventBridgeDelay };
    const failure = await runWithRetries(attempt, policy, this.timeScale, this.hooks(record), record.acceptedAt, this.stopping.signal);
    // Stopped mid-way: the record stays pending or retrying, which is the truth.
    if (failure === 'aborted') return record;
    if (!failure) {
      this.ledger.update(record, { state: 'delivered' });
      return record;
    }
    // EventBridge's DLQ message: the original event, with the failure in message attributes.
    const attributes: Record<string, MessageAttributeValue> = {
      RULE_ARN: str(rule.arn),
      TARGET_ARN: str(target.arn),
      ERROR_CODE: str('SDK_CLIENT_ERROR'),
      ERROR_MESSAGE: str(`${failure.error.errorType}: ${failure.error.errorMessage}`.slice(0, 1024)),
      EXHAUSTED_RETRY_CONDITION: str(failure.condition),
      RETRY_ATTEMPTS: num(failure.attempts - 1),
    };
    this.deadLetter(record, target.deadLetterArn, JSON.stringify(event), attributes, failure.error);
    return record;
  }

  /** Runs an asynchronous invoke (`InvocationType: Event`) with the function's async settings. */
  async invokeAsync(fn: FunctionModel, payload: string, requestId: string): Promise<DeliveryRecord> {
    const record = this.ledger.accept({ eventId: requestId, kind: 'async-invoke', targetArn: fn.arn });
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
    const policy = { ...fn.asyncConfig, delaySeconds: lambdaAsyncDelay };
    const failure = await runWithRetries(attempt, policy, this.timeScale, this.hooks(record), record.acceptedAt, this.stopping.signal);
    if (failure === 'aborted') return record;
    const cfg = fn.asyncConfig;
    if (!failure) {
      if (cfg.onSuccessArn && this.isQueue(cfg.onSuccessArn)) {
        this.queues.send(cfg.onSuccessArn, invocationRecord(fn, requestId, payload, lastPayload, 'Success', record.attempts, undefined));
      }
      this.ledger.update(record, { state: 'delivered' });
      return record;
    }
    if (cfg.onFailureArn) {
      // Destinations get the full invocation record as the message body.
      const body = invocationRecord(fn, requestId, payload, lastPayload, failure.condition === 'MaximumEventAgeInSeconds' ? 'EventAgeExceeded' : 'RetriesExhausted', failure.attempts, failure.error);
      this.deadLetter(record, cfg.onFailureArn, body, {}, failure.error);
    } else {
      // A function DLQ gets the event itself, with the error in attributes.
      const attributes = { RequestID: str(requestId), ErrorCode: num(200), ErrorMessage: str(failure.error.errorMessage.slice(0, 1024)) };
      this.deadLetter(record, cfg.deadLetterArn, payload, attributes, failure.error);
    }
    return record;
  }

  /** Stops retrying: deliveries in progress stay `pending`/`retrying` in the ledger. */
  stop(): void {
    this.stopping.abort();
  }

  private attemptFor(arn: string, input: string): (() => Promise<AttemptResult>) | undefined {
    const fn = this.host.find(arn);
    if (fn) {
      return async () => {
        try {
          return (await this.host.invoke(fn.name, { payload: input, overflow: 'wait' })).error;
        } catch (err) {
          return { errorType: (err as Error).name, errorMessage: (err as Error).message };
        }
      };
    }
    if (this.isQueue(arn)) {
      return async () => {
        this.queues.send(arn, input);
        return undefined;
      };
    }
    return undefined;
  }

  private deadLetter(record: DeliveryRecord, dlqArn: string | undefined, body: string, attributes: Record<string, MessageAttributeValue>, error: LambdaErrorPayload): void {
    if (!dlqArn) {
      this.ledger.update(record, { state: 'dropped', lastError: error, droppedReason: 'retries exhausted and no dead-letter queue is configured' });
    } else if (!this.isQueue(dlqArn)) {
      this.ledger.update(record, { state: 'dropped', lastError: error, droppedReason: `dead-letter target ${dlqArn} is not a local queue` });
    } else {
      this.queues.send(dlqArn, body, attributes);
      this.ledger.update(record, { state: 'dead-lettered', lastError: error, deadLetterArn: dlqArn });
    }
  }

  private isQueue(arn: string): boolean {
    try {
      this.queues.get(arn);
      return arn.startsWith('arn:') ? arn.includes(':sqs:') : true;
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

function safeInput(target: RuleTargetModel, event: Record<string, unknown>): string | LambdaErrorPayload {
  try {
    return targetInput(target, event);
  } catch (err) {
    return { errorType: 'InputTransformationError', errorMessage: (err as Error).message };
  }
}

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
