import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import { checkRange } from './validation';

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

/** What {@link addProvisionedConcurrency} created. */
export interface ProvisionedConcurrency {
  /** The scalable target, when `max` exceeds `min`. */
  readonly scaling?: lambda.IScalableFunctionAttribute;
}

const DEFAULT_UTILIZATION = 0.7;

/** Checks `options` against Lambda's and Application Auto Scaling's limits. */
export function checkProvisionedConcurrency(scope: IConstruct, name: string, options: ProvisionedConcurrencyOptions, reserved?: number): void {
  const max = options.max ?? options.min;
  checkRange(scope, `${name}.provisionedConcurrency.min`, options.min, 1, 100000);
  checkRange(scope, `${name}.provisionedConcurrency.max`, max, options.min, 100000);
  const utilization = options.utilization ?? DEFAULT_UTILIZATION;
  if (!(utilization >= 0.1 && utilization <= 0.9)) {
    throw new SwitchyardError({
      code: ErrorCode.OUT_OF_RANGE,
      problem: `${name}.provisionedConcurrency.utilization is out of range`,
      scope,
      value: utilization,
      fix: 'set utilization between 0.1 and 0.9 (the share of provisioned environments in use that target tracking aims for)',
    });
  }
  // Lambda rejects provisioned concurrency above the function's reservation at deploy time.
  if (reserved !== undefined && max > reserved) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: `${name}.provisionedConcurrency.max exceeds the function's reservedConcurrentExecutions (${reserved})`,
      scope,
      value: max,
      fix: `lower provisionedConcurrency.max to at most ${reserved} or raise reservedConcurrentExecutions`,
    });
  }
}

/**
 * Sets up target-tracking scaling of the alias's provisioned concurrency between `min` and
 * `max`. The alias itself must carry `provisionedConcurrentExecutions: min`, so that a deploy
 * starts warm rather than waiting for the first scaling activity.
 */
export function addProvisionedConcurrency(alias: lambda.Alias, options: ProvisionedConcurrencyOptions): ProvisionedConcurrency {
  const max = options.max ?? options.min;
  if (max === options.min) return {};
  const scaling = alias.addAutoScaling({ minCapacity: options.min, maxCapacity: max });
  scaling.scaleOnUtilization({ utilizationTarget: options.utilization ?? DEFAULT_UTILIZATION });
  return { scaling };
}
