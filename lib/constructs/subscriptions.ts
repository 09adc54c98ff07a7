import type { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { DetailFilter } from '../runtime/detail-filter';
import type { EventForwarding } from './cross-app';
import type { EventDefinition } from '../runtime/events';
import type { FunctionSource } from './function';
import type { QueueSource } from './queues';
import type { AnyEventDefinition } from './schemas';

/** How a rule's target (a subscription or schedule delivering to a function or a queue) handles failure. */
export interface DeliveryOptions {
  /**
   * How many times EventBridge retries a delivery it could not make (0 to 185). Function
   * errors are retried by Lambda's asynchronous invocation, at most 2 times, so the
   * function's async config gets `min(retryAttempts, 2)`.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * How long an event is worth delivering (1 minute to 24 hours; Lambda's own async retries
   * stop at 6 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Where undeliverable events and events whose function kept failing are kept.
   * @default - a new SQS queue with SSE, TLS enforced and 14 days' retention, with an alarm on any message
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * A customer-managed KMS key for the dead-letter queue created here (its key policy must let
   * events.amazonaws.com use it; `EventApp`'s `encryptionKey` sees to that).
   * @default - SSE-SQS
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What every target of a rule (subscription or schedule) takes: a function to invoke
 * asynchronously, or a queue to send the events to, whose consumer then takes them at its own
 * pace, in batches (EventBridge -> SQS -> Lambda).
 */
export interface RuleTargetOptions extends DeliveryOptions {
  /**
   * The function to deliver to: a declared function's name, an entry path, props, or a function.
   * @default - none: give `handler` or `queue`
   */
  readonly handler?: FunctionSource;
  /**
   * A queue to send the events to instead (a queue declared with `addQueue`, by name, or any
   * queue); its policy lets only this rule send. Each message is the EventBridge event as JSON
   * (`sqsBatchHandler({ event })` of `switchyard/runtime` reads it typed).
   * @default - none: give `handler` or `queue`
   */
  readonly queue?: QueueSource;
  /**
   * For a FIFO `queue`: the message group of every event this rule sends (EventBridge takes a
   * fixed one).
   * @default - none (required for a FIFO queue)
   */
  readonly messageGroupId?: string;
  /**
   * A description of the rule.
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether the rule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * An event subscription: a rule on the app's bus that delivers matching events to a function.
 * Give either `pattern`, or `event` (a `defineEvent` definition) with an optional `where`.
 */
export interface SubscriptionOptions extends RuleTargetOptions {
  /**
   * Which events to deliver, e.g. `{ source: ['shop.orders'], detailType: ['OrderPlaced'] }`.
   * @default - derived from `event` and `where`
   */
  readonly pattern?: events.EventPattern;
  /**
   * The defined event to deliver; the rule matches its source and detail type, and its schema
   * is published in the app's Schema Registry.
   * @default - `pattern` decides
   */
  readonly event?: AnyEventDefinition;
  /**
   * A content filter on the event's detail, in EventBridge's pattern language (with `event`).
   * Use `addSubscription` with a typed `event` to have it checked against the detail's fields.
   * @default - every event of that type
   */
  readonly where?: Record<string, unknown>;
  /**
   * The forwarding (`receiveEvents`) the events come through from another app: synth fails
   * when this subscription's pattern and the forwarded one cannot match a same event.
   * @default - events of this app's bus, wherever they come from
   */
  readonly through?: EventForwarding;
}

/** A subscription to a defined event whose `where` filter is typed by the event's detail. */
export interface TypedSubscriptionOptions<TDetail, TInput> extends RuleTargetOptions {
  /** The defined event to deliver. */
  readonly event: EventDefinition<TDetail, TInput>;
  /**
   * A content filter on the detail, typed by the event's schema:
   * `{ total: [{ numeric: ['>', 100] }] }` compiles only if `total` is a number.
   * @default - every event of that type
   */
  readonly where?: DetailFilter<TInput>;
  /**
   * The forwarding (`receiveEvents`) the events come through from another app: synth fails
   * when the event is not among those forwarded.
   * @default - events of this app's bus, wherever they come from
   */
  readonly through?: EventForwarding;
}

/**
 * A schedule on EventBridge Scheduler that invokes a function (or sends to a queue): recurring
 * (`rate`, `cron` in a time zone) or once (`at`), in the app's schedule group, with a retry
 * policy and a dead-letter queue.
 *
 * @example
 * app.addSchedule('Nightly', { schedule: 'cron(0 2 * * ? *)', timeZone: 'Europe/Paris', handler: 'NightlyReport' });
 * app.addSchedule('Launch', { at: new Date('2030-01-01T09:00:00'), timeZone: 'America/New_York', handler: 'Launch' });
 */
export interface ScheduleOptions extends RuleTargetOptions {
  /** EventBridge Scheduler (the default). */
  readonly kind?: 'scheduler';
  /**
   * `rate(5 minutes)`, `cron(0 2 * * ? *)`, `at(2030-01-01T09:00:00)`, or an `events.Schedule`.
   * @default - `at` must be given
   */
  readonly schedule?: string | events.Schedule;
  /**
   * Run once, at this wall-clock time in `timeZone` (its UTC fields are read as that wall time,
   * as aws-cdk-lib's `ScheduleExpression.at` does).
   * @default - `schedule` must be given
   */
  readonly at?: Date;
  /**
   * The IANA time zone that cron and one-time times are in (`Europe/Paris`). Scheduler follows
   * its daylight saving time: a time skipped in spring does not run, a time repeated in autumn runs once.
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * Let Scheduler invoke at any time within this window after the scheduled time (1 minute to
   * 24 hours), to spread load.
   * @default - exactly on time
   */
  readonly flexibleWindow?: Duration;
  /**
   * No invocation before this date.
   * @default - from now
   */
  readonly startDate?: Date;
  /**
   * No invocation after this date.
   * @default - no end
   */
  readonly endDate?: Date;
}

/**
 * A schedule as an EventBridge rule on the account's default bus (how `addSchedule` worked
 * before EventBridge Scheduler): `rate` and `cron` in UTC only.
 */
export interface RuleScheduleOptions extends RuleTargetOptions {
  /** An EventBridge scheduled rule. */
  readonly kind: 'rule';
  /** `rate(5 minutes)`, `cron(0 2 * * ? *)`, or an `events.Schedule`. */
  readonly schedule: string | events.Schedule;
}
