/**
 * `AWS::Scheduler::Schedule` and `AWS::Scheduler::ScheduleGroup` -> models, with Scheduler's
 * defaults filled in (the `default` group, the target's retry policy, `FlexibleTimeWindow` OFF).
 */
import { numberProp, resourcesOfType, type StackContext } from './context';
import { scheduleGroupNameOf } from './physical';
import { SCHEDULER_RETRY_DEFAULTS, type ScheduleGroupModel, type ScheduleModel, type ScheduleTargetModel } from './types-scheduler';

/** Reads the schedule groups of one stack. */
export function readScheduleGroups(ctx: StackContext): ScheduleGroupModel[] {
  return resourcesOfType(ctx, 'AWS::Scheduler::ScheduleGroup').map(([logicalId]) => ({
    stack: ctx.stack.id,
    logicalId,
    name: ctx.attributes.name(logicalId),
    arn: ctx.attributes.getAtt(logicalId, 'Arn'),
  }));
}

/** Reads the schedules of one stack. */
export function readSchedules(ctx: StackContext): ScheduleModel[] {
  return resourcesOfType(ctx, 'AWS::Scheduler::Schedule').map(([logicalId, r]) => {
    const p = r.Properties ?? {};
    const text = (v: unknown) => (v === undefined ? undefined : ctx.resolver.resolveString(v));
    const window = (p.FlexibleTimeWindow ?? {}) as Record<string, unknown>;
    return {
      stack: ctx.stack.id,
      logicalId,
      name: ctx.attributes.name(logicalId),
      groupName: p.GroupName === undefined ? 'default' : scheduleGroupNameOf(ctx.resolver.resolveString(p.GroupName)),
      arn: ctx.attributes.getAtt(logicalId, 'Arn'),
      expression: ctx.resolver.resolveString(p.ScheduleExpression),
      timeZone: text(p.ScheduleExpressionTimezone) ?? 'UTC',
      state: text(p.State) === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      description: text(p.Description),
      startDate: dateOf(text(p.StartDate)),
      endDate: dateOf(text(p.EndDate)),
      flexibleWindowMinutes: text(window.Mode) === 'FLEXIBLE' ? numberProp(ctx, window.MaximumWindowInMinutes, 1) : undefined,
      actionAfterCompletion: text(p.ActionAfterCompletion) === 'DELETE' ? 'DELETE' : 'NONE',
      kmsKeyArn: text(p.KmsKeyArn),
      target: targetOf(ctx, (p.Target ?? {}) as Record<string, unknown>),
    };
  });
}

function targetOf(ctx: StackContext, t: Record<string, unknown>): ScheduleTargetModel {
  const text = (v: unknown) => (v === undefined ? undefined : ctx.resolver.resolveString(v));
  const retry = (t.RetryPolicy ?? {}) as Record<string, unknown>;
  const eventBridge = t.EventBridgeParameters as Record<string, unknown> | undefined;
  return {
    arn: ctx.resolver.resolveString(t.Arn),
    roleArn: text(t.RoleArn) ?? '',
    input: text(t.Input),
    maximumRetryAttempts: numberProp(ctx, retry.MaximumRetryAttempts, SCHEDULER_RETRY_DEFAULTS.maximumRetryAttempts),
    maximumEventAgeInSeconds: numberProp(ctx, retry.MaximumEventAgeInSeconds, SCHEDULER_RETRY_DEFAULTS.maximumEventAgeInSeconds),
    deadLetterArn: text((t.DeadLetterConfig as Record<string, unknown> | undefined)?.Arn),
    eventBridge: eventBridge ? { detailType: ctx.resolver.resolveString(eventBridge.DetailType), source: ctx.resolver.resolveString(eventBridge.Source) } : undefined,
    messageGroupId: text((t.SqsParameters as Record<string, unknown> | undefined)?.MessageGroupId),
  };
}

/** CloudFormation takes dates as ISO 8601 text. */
function dateOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
