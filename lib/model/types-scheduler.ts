/**
 * EventBridge Scheduler in the app model: schedules (`AWS::Scheduler::Schedule`) and their
 * groups (`AWS::Scheduler::ScheduleGroup`). The local runtime's Scheduler API creates schedules
 * of the same shape, so one runner fires both.
 */

/** Scheduler's defaults for a target's `RetryPolicy`. */
export const SCHEDULER_RETRY_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 } as const;

/** The target of a schedule (Scheduler's templated targets that run locally: Lambda, SQS, EventBridge). */
export interface ScheduleTargetModel {
  /** The target ARN: a function, a queue or an event bus. */
  readonly arn: string;
  /** The role Scheduler assumes to call the target. */
  readonly roleArn: string;
  /** Text sent to the target; absent: Scheduler's own event for Lambda and SQS. */
  readonly input?: string;
  /** Retries after the first attempt (0-185, Scheduler's default 185). */
  readonly maximumRetryAttempts: number;
  /** Seconds (60-86400, Scheduler's default 86400). */
  readonly maximumEventAgeInSeconds: number;
  /** ARN of the SQS dead-letter queue. */
  readonly deadLetterArn?: string;
  /** `EventBridgeParameters` of a PutEvents target. */
  readonly eventBridge?: { readonly detailType: string; readonly source: string };
  /** `SqsParameters.MessageGroupId` of a FIFO queue target. */
  readonly messageGroupId?: string;
}

/** An EventBridge Scheduler schedule. */
export interface ScheduleModel {
  /** The stack and logical id, for schedules read from a template (absent for those created through the API). */
  readonly stack?: string;
  readonly logicalId?: string;
  readonly name: string;
  /** The schedule group (`default` unless set). */
  readonly groupName: string;
  /**
   * The name `switchyard dev` prints and `switchyard trigger` accepts: the template's `Name` (or
   * the declared construct id), with its group in front when that is not `default`.
   */
  readonly displayName?: string;
  readonly arn: string;
  /** `rate(...)`, `cron(...)` or `at(...)`. */
  readonly expression: string;
  /** IANA time zone of cron and at expressions. */
  readonly timeZone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly description?: string;
  /** Epoch milliseconds. */
  readonly startDate?: number;
  /** Epoch milliseconds. */
  readonly endDate?: number;
  /** `FlexibleTimeWindow`: `OFF`, or `FLEXIBLE` with a window of 1-1440 minutes. */
  readonly flexibleWindowMinutes?: number;
  /** What happens once a one-time schedule has run: `DELETE` removes it. */
  readonly actionAfterCompletion: 'NONE' | 'DELETE';
  readonly kmsKeyArn?: string;
  readonly target: ScheduleTargetModel;
}

/** A schedule group. */
export interface ScheduleGroupModel {
  readonly stack?: string;
  readonly logicalId?: string;
  readonly name: string;
  readonly arn: string;
}
