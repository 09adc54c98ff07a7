/**
 * The app's EventBridge Scheduler schedule group, made with the first schedule or grant, and
 * the role Scheduler assumes to run the one-time schedules the app's functions create in it.
 */
import { Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import type { AppMonitoring } from '../monitoring';

/** The schedule group of one app (see EventApp.scheduleGroup and grantCreateSchedules). */
export class AppScheduleGroup {
  private group?: scheduler.ScheduleGroup;
  private role?: iam.Role;

  /** Constructs are made under `app`, with the ids EventApp always gave them (`Schedules`, `ScheduleTargetsRole`). */
  constructor(
    private readonly app: Construct,
    private readonly bus: events.IEventBus,
    private readonly monitoring: AppMonitoring | undefined,
  ) {}

  /** The group, made (and monitored) on first use. */
  get scheduleGroup(): scheduler.ScheduleGroup {
    if (!this.group) {
      this.group = new scheduler.ScheduleGroup(this.app, 'Schedules');
      this.monitoring?.monitorScheduleGroup('Schedules', this.group);
    }
    return this.group;
  }

  /**
   * `scheduler:CreateSchedule` on the group only for `fn`, and `iam:PassRole` on the role
   * Scheduler assumes, which may put events on the bus and invoke the functions in `invoke`;
   * the environment a function of this app needs to make such schedules.
   */
  grantCreateSchedules(fn: lambda.IFunction, invoke: readonly lambda.IFunction[]): iam.Role {
    const group = this.scheduleGroup;
    const role = this.targetsRole();
    for (const target of invoke) target.grantInvoke(role);
    fn.addToRolePolicy(new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule'],
      resources: [Stack.of(this.app).formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${group.scheduleGroupName}/*` })],
    }));
    role.grantPassRole(fn.grantPrincipal);
    if (fn instanceof lambda.Function) {
      fn.addEnvironment('SWITCHYARD_SCHEDULE_GROUP', group.scheduleGroupName);
      fn.addEnvironment('SWITCHYARD_SCHEDULER_ROLE_ARN', role.roleArn);
      fn.addEnvironment('SWITCHYARD_BUS_ARN', this.bus.eventBusArn);
    }
    return role;
  }

  /** The role Scheduler assumes for the schedules functions create: it may put events on the bus (and invoke what was granted). */
  private targetsRole(): iam.Role {
    if (this.role) return this.role;
    this.role = new iam.Role(this.app, 'ScheduleTargetsRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this.app).account } } }),
      description: `Lets EventBridge Scheduler run the one-time schedules of ${this.app.node.path}`,
    });
    this.bus.grantPutEventsTo(this.role);
    return this.role;
  }
}
