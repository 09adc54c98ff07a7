import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import type { DetailFilter } from '../runtime/detail-filter';
import type { EventDefinition } from '../runtime/events';
import { DeliveryOptions } from './delivery';
import { FunctionSource } from './function';
import { AnyEventDefinition } from './schemas';

/** What every asynchronous target of a rule (subscription or schedule) takes. */
export interface RuleTargetOptions extends DeliveryOptions {
  /** The function to deliver to: a declared function's name, an entry path, props, or a function. */
  readonly handler: FunctionSource;
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
}

/** A schedule: a rule on the account's default bus that invokes a function on a rate or cron. */
export interface ScheduleOptions extends RuleTargetOptions {
  /** `rate(5 minutes)`, `cron(0 2 * * ? *)`, or an `events.Schedule`. */
  readonly schedule: string | events.Schedule;
}

/** The rule pattern of a subscription: its `pattern`, or one derived from `event` and `where`. */
export function subscriptionPattern(scope: Construct, options: SubscriptionOptions): events.EventPattern {
  if (options.event && options.pattern) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'A subscription takes either "pattern" or "event", not both',
      scope,
      value: { pattern: options.pattern, event: `${options.event.source}/${options.event.detailType}` },
      fix: 'remove "pattern" and put its detail conditions in "where", or remove "event"',
    });
  }
  if (options.event) {
    return { source: [options.event.source], detailType: [options.event.detailType], detail: options.where };
  }
  if (!options.pattern || options.where) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: options.where ? '"where" needs "event"' : 'A subscription needs "pattern" or "event"',
      scope,
      value: options.where ?? options.pattern,
      fix: options.where ? 'give the defined event the filter applies to in "event"' : 'give event: <defineEvent(...)> or pattern: { source: [...] }',
    });
  }
  return options.pattern;
}
