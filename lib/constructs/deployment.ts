import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Safe deployment of a function: a live alias that routes and rules invoke, moved to each new
 * version by CodeDeploy in a canary or linear shift, rolled back when an alarm fires.
 *
 * @example
 * new EventApp(stack, 'Shop', { functionDefaults: { deployment: { config: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE } } });
 */
export interface SafeDeploymentOptions {
  /**
   * How traffic shifts to a new version.
   * @default codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES
   */
  readonly config?: codedeploy.ILambdaDeploymentConfig;
  /**
   * Name of the alias that routes and rules invoke.
   * @default 'live'
   */
  readonly aliasName?: string;
  /**
   * A function CodeDeploy runs before shifting traffic; it reports back with
   * `PutLifecycleEventHookExecutionStatus` (granted here).
   * @default - none
   */
  readonly preTrafficHook?: lambda.IFunction;
  /**
   * A function CodeDeploy runs after shifting traffic.
   * @default - none
   */
  readonly postTrafficHook?: lambda.IFunction;
  /**
   * More alarms that roll the deployment back.
   * @default - only the function's errors alarm
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

/** What {@link AppDeployments.addFunction} created for one function. */
export interface LiveFunction {
  /** The alias routes and rules invoke. */
  readonly alias: lambda.Alias;
  /** The deployment group, when safe deployment is on. */
  readonly deploymentGroup?: codedeploy.LambdaDeploymentGroup;
  /** The scalable provisioned concurrency, when it scales. */
  readonly scaling?: lambda.IScalableFunctionAttribute;
}

/**
 * Provisioned concurrency on a function's live alias, scaled by target tracking on
 * `LambdaProvisionedConcurrencyUtilization`.
 *
 * Provisioned concurrency is billed whether used or not (see `switchyard cost`); reserved
 * concurrency (`reservedConcurrentExecutions`) is the free ceiling and is set on the function.
 *
 * @example
 * app.addFunction('PlaceOrder', { entry: 'lambdas/place-order.ts', provisionedConcurrency: { min: 2, max: 20 } });
 */
export interface ProvisionedConcurrencyOptions {
  /** Execution environments kept initialized at all times (at least 1). */
  readonly min: number;
  /**
   * The most environments target tracking may provision.
   * @default - `min`: a fixed amount, no scaling policy
   */
  readonly max?: number;
  /**
   * The utilization (0.1 to 0.9) target tracking keeps provisioned concurrency at.
   * @default 0.7
   */
  readonly utilization?: number;
}
