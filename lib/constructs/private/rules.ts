import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { SubscriptionOptions } from '../subscriptions';
import { validateScheduleExpression } from './validation';

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

/** The rule schedule of a `rate(...)`/`cron(...)` expression, validated first. */
export function scheduleFrom(scope: Construct, expression: string): events.Schedule {
  validateScheduleExpression(scope, expression);
  return events.Schedule.expression(expression);
}
