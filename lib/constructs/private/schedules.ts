import { Duration, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { RuleScheduleOptions, ScheduleOptions } from '../subscriptions';
import { configureFunctionRetries, deadLettersFor, retryOf, type Delivery, type DeliveryTarget } from './delivery';
import { checkDuration, validateScheduleExpression } from './validation';

/** The IANA zones aws-cdk-lib knows (its `TimeZone` constants). */
const TIME_ZONES = new Set(Object.values(TimeZone).filter((z): z is TimeZone => z instanceof TimeZone).map((z) => z.timezoneName));

/** What {@link scheduleTarget} created. */
export interface ScheduledDelivery extends Delivery {
  readonly schedule: scheduler.Schedule;
}

/** The options only EventBridge Scheduler has: a rule schedule given one is a mistake. */
const SCHEDULER_ONLY = ['at', 'timeZone', 'flexibleWindow', 'startDate', 'endDate'] as const;

/**
 * An EventBridge Scheduler schedule in `group` invoking a function asynchronously (or sending
 * to a queue), with a retry policy and a dead-letter queue for invocations Scheduler could not
 * make, a function's own async retries sending to the same queue, and a role Scheduler assumes
 * that may invoke only this function, or send only to this queue (and to the dead-letter queue).
 */
export function scheduleTarget(scope: Construct, target: DeliveryTarget, group: scheduler.IScheduleGroup, options: ScheduleOptions): ScheduledDelivery {
  const expression = expressionOf(scope, options);
  const { retryAttempts, maxEventAge } = retryOf(scope, options);
  checkDuration(scope, 'flexibleWindow', options.flexibleWindow, Duration.minutes(1), Duration.hours(24));
  checkDates(scope, options.startDate, options.endDate);
  const delivery = deadLettersFor(scope, target, options, 'an EventBridge Scheduler target');
  const to = 'function' in target ? target.function : target.queue;
  const role = new iam.Role(scope, 'SchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } }),
    description: `Lets EventBridge Scheduler ${'function' in target ? 'invoke' : 'send to'} ${to.node.path}`,
  });
  grantKeyUse(options.encryptionKey, role);
  const targetProps = { role, input: scheduledEvent(scope), deadLetterQueue: delivery.deadLetterQueue, retryAttempts, maxEventAge };
  const scheduleTarget = 'function' in target
    ? new ExactLambdaInvoke(target.function, targetProps)
    : new schedulerTargets.SqsSendMessage(target.queue, { ...targetProps, messageGroupId: target.messageGroupId });
  // 'Default': the schedule is the named construct's default child, and dev shows it by that name.
  const schedule = new scheduler.Schedule(scope, 'Default', {
    schedule: expression,
    target: scheduleTarget,
    scheduleGroup: group,
    description: options.description,
    enabled: options.enabled,
    timeWindow: options.flexibleWindow ? scheduler.TimeWindow.flexible(options.flexibleWindow) : scheduler.TimeWindow.off(),
    start: options.startDate,
    end: options.endDate,
  });
  if ('function' in target) configureFunctionRetries(target.function, retryAttempts, maxEventAge, delivery.deadLetterQueue);
  return { ...delivery, schedule };
}

/**
 * aws-cdk-lib's Lambda target, granting Scheduler's role `lambda:InvokeFunction` on the target's
 * own ARN only. The L2 uses `grantInvoke`, which also grants `<arn>:*` (every version and
 * alias, a wildcard cdk-nag reports as IAM5); Scheduler invokes exactly the ARN it is given
 * (the function, or its live alias under safe deployment), so that grant is the whole need.
 */
class ExactLambdaInvoke extends schedulerTargets.LambdaInvoke {
  constructor(
    private readonly target: lambda.IFunction,
    props: schedulerTargets.ScheduleTargetBaseProps,
  ) {
    super(target, props);
  }

  protected addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }));
  }
}

/**
 * What the function receives: a `ScheduledEvent` (aws-lambda's type) filled from Scheduler's
 * context attributes, so that handlers written for scheduled rules (`event.time`) keep working
 * and the payload does not depend on what Scheduler sends a target without input.
 */
function scheduledEvent(scope: Construct): scheduler.ScheduleTargetInput {
  const stack = Stack.of(scope);
  return scheduler.ScheduleTargetInput.fromObject({
    version: '0',
    id: scheduler.ContextAttribute.executionId,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: stack.account,
    time: scheduler.ContextAttribute.scheduledTime,
    region: stack.region,
    resources: [scheduler.ContextAttribute.scheduleArn],
    detail: {},
  });
}

/** Refuses Scheduler's options on a rule schedule, which cannot honour them. */
export function checkRuleSchedule(scope: Construct, options: RuleScheduleOptions): void {
  const given = SCHEDULER_ONLY.filter((k) => (options as unknown as Record<string, unknown>)[k] !== undefined);
  if (given.length === 0) return;
  throw new SwitchyardError({
    code: ErrorCode.INVALID_PROPS,
    problem: `A schedule with kind 'rule' cannot take ${given.join(', ')} (EventBridge Scheduler options)`,
    scope,
    value: Object.fromEntries(given.map((k) => [k, String((options as unknown as Record<string, unknown>)[k])])),
    fix: `remove kind: 'rule' to use EventBridge Scheduler, or remove ${given.join(', ')}`,
  });
}

/** The Scheduler expression of the options, validated with Scheduler's rules. */
function expressionOf(scope: Construct, options: ScheduleOptions): scheduler.ScheduleExpression {
  const zone = timeZoneOf(scope, options.timeZone);
  if ((options.at === undefined) === (options.schedule === undefined)) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'A schedule takes either "schedule" (rate, cron or at) or "at" (a Date), and one of them',
      scope,
      value: { schedule: String(options.schedule), at: options.at?.toISOString() },
      fix: "give schedule: 'rate(1 hour)' / 'cron(0 2 * * ? *)', or at: new Date('2030-01-01T09:00:00')",
    });
  }
  if (options.at) {
    if (Number.isNaN(options.at.getTime())) {
      throw new SwitchyardError({ code: ErrorCode.INVALID_SCHEDULE, problem: 'Invalid one-time schedule date', scope, value: String(options.at), fix: "give at: new Date('2030-01-01T09:00:00')" });
    }
    return scheduler.ScheduleExpression.at(options.at, zone);
  }
  const text = typeof options.schedule === 'string' ? options.schedule : options.schedule!.expressionString;
  checkAt(scope, text);
  if (!text.startsWith('at(')) validateScheduleExpression(scope, text);
  return scheduler.ScheduleExpression.expression(text, zone);
}

/** `at(yyyy-mm-ddThh:mm:ss)`, a time that exists. */
function checkAt(scope: Construct, text: string): void {
  if (Token.isUnresolved(text) || !text.startsWith('at(')) return;
  const m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  const valid = m !== null && (() => {
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  })();
  if (!valid) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_SCHEDULE, problem: 'Invalid schedule expression (expected at(yyyy-mm-ddThh:mm:ss), a time that exists)', scope, value: text, fix: 'write e.g. at(2030-01-01T09:00:00), or give at: new Date(...)' });
  }
}

function timeZoneOf(scope: Construct, zone: string | undefined): TimeZone | undefined {
  if (zone === undefined || Token.isUnresolved(zone)) return zone === undefined ? undefined : TimeZone.of(zone);
  if (!TIME_ZONES.has(zone)) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_TIME_ZONE, problem: 'The time zone is not an IANA time zone name', scope, value: zone, fix: "set timeZone to a name such as 'Europe/Paris', 'America/New_York' or 'UTC'" });
  }
  return TimeZone.of(zone);
}

function checkDates(scope: Construct, start: Date | undefined, end: Date | undefined): void {
  if (start && end && end.getTime() <= start.getTime()) {
    throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: 'endDate must be after startDate', scope, value: { startDate: start.toISOString(), endDate: end.toISOString() }, fix: 'move endDate after startDate, or remove one of them' });
  }
}

/** A customer-managed key of the dead-letter queue: Scheduler's role must be able to use it. */
function grantKeyUse(key: kms.IKey | undefined, role: iam.IRole): void {
  key?.grantEncryptDecrypt(role);
}

