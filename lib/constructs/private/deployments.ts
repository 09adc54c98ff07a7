import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { LiveFunction, ProvisionedConcurrencyOptions, SafeDeploymentOptions } from '../deployment';
import { addProvisionedConcurrency, checkProvisionedConcurrency } from './scaling';

/** Options of {@link AppDeployments.addFunction}. */
export interface LiveAliasOptions {
  /**
   * Safe deployment: `true` for the defaults, options, or `false`/absent for none.
   * @default - none
   */
  readonly deployment?: SafeDeploymentOptions | boolean;
  /**
   * Provisioned concurrency on the alias.
   * @default - none
   */
  readonly provisionedConcurrency?: ProvisionedConcurrencyOptions;
  /**
   * The function's reserved concurrency, which provisioned concurrency must not exceed.
   * @default - none
   */
  readonly reservedConcurrency?: number;
  /**
   * The function's errors alarm, which rolls a deployment back; one is created when absent
   * (monitoring disabled).
   * @default - a new alarm on any error in one minute
   */
  readonly errorsAlarm?: cloudwatch.IAlarm;
}

const DEFAULT_ALIAS = 'live';
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;

/**
 * The app's CodeDeploy application and its one service role, and a live alias, deployment
 * group and provisioned concurrency per function that asks for them.
 *
 * Resources per function with safe deployment: a version, an alias and a deployment group
 * (3); with scaling, a scalable target and a scaling policy (2). The application and role
 * are shared, so 60 functions cost 182 resources rather than 240.
 */
export class AppDeployments extends Construct {
  private application?: codedeploy.LambdaApplication;
  private role?: iam.Role;

  /**
   * Gives `fn` a live alias on its current version when `options` ask for safe deployment or
   * provisioned concurrency.
   * @returns the alias and what drives it, or undefined when neither is asked for
   */
  public addFunction(name: string, fn: lambda.Function, options: LiveAliasOptions): LiveFunction | undefined {
    const deployment = options.deployment === true ? {} : options.deployment || undefined;
    const pc = options.provisionedConcurrency;
    if (!deployment && !pc) return undefined;
    if (pc) checkProvisionedConcurrency(fn, name, pc, options.reservedConcurrency);
    const aliasName = deployment?.aliasName ?? DEFAULT_ALIAS;
    if (!ALIAS_NAME.test(aliasName)) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_PROPS,
        problem: `Invalid alias name for ${name}`,
        scope: fn,
        value: aliasName,
        fix: 'use 1 to 128 letters, digits, hyphens or underscores, not only digits (deployment.aliasName)',
      });
    }

    // `currentVersion` names the version after a hash of the function's version-locked
    // properties, so only a change to this function publishes a new version.
    // A sibling of the function named after it, so that what invokes it reads `PlaceOrderLive...`.
    const alias = new lambda.Alias(fn.node.scope as Construct, `${fn.node.id}Live`, {
      aliasName,
      version: fn.currentVersion,
      provisionedConcurrentExecutions: pc?.min,
    });
    const { scaling } = pc ? addProvisionedConcurrency(alias, pc) : { scaling: undefined };
    if (!deployment) return { alias, scaling };

    const errorsAlarm = options.errorsAlarm ?? new cloudwatch.Alarm(this, `${name}Errors`, {
      alarmDescription: `${fn.node.path} failed; rolls back its deployment`,
      metric: fn.metricErrors({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, name, {
      application: this.lambdaApplication(),
      role: this.serviceRole(),
      alias,
      deploymentConfig: deployment.config ?? codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [errorsAlarm, ...(deployment.alarms ?? [])],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      // A function cannot gate its own deployment: its hook would run the version under test.
      preHook: deployment.preTrafficHook === fn ? undefined : deployment.preTrafficHook,
      postHook: deployment.postTrafficHook === fn ? undefined : deployment.postTrafficHook,
    });
    return { alias, deploymentGroup, scaling };
  }

  private lambdaApplication(): codedeploy.LambdaApplication {
    this.application ??= new codedeploy.LambdaApplication(this, 'Application');
    return this.application;
  }

  /** One service role for every deployment group, instead of CDK's one per group. */
  private serviceRole(): iam.Role {
    if (!this.role) {
      this.role = new iam.Role(this, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com') });
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
        reason: 'AWSCodeDeployRoleForLambdaLimited is the AWS-maintained minimum for CodeDeploy to shift alias traffic and invoke hooks.',
      });
    }
    return this.role;
  }
}
