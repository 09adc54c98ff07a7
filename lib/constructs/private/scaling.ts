import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { ProvisionedConcurrencyOptions } from '../deployment';
import { checkRange } from './validation';

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
