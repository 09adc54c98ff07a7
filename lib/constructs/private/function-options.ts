import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';

/**
 * Lambda options EventApp sets itself, with what to do instead. They are left out of
 * `FunctionDefaults` and `AppFunctionProps`, and refused at synth when JavaScript passes them
 * anyway, rather than silently overwritten.
 */
export const OWNED_FUNCTION_OPTIONS = {
  code: 'Switchyard builds the code from "entry" with esbuild: set "entry" (and "bundling"), or declare your own lambda.Function and add it with addFunction(name, { function: fn })',
  logGroup: 'Switchyard creates the log group: set "logRetention" and "logEncryptionKey", or declare your own lambda.Function and add it with addFunction(name, { function: fn })',
  loggingFormat: 'Switchyard functions log JSON (the logger of switchyard/runtime and the log levels rely on it): remove "loggingFormat"; set "applicationLogLevelV2" or "systemLogLevelV2" for levels',
  logFormat: 'Switchyard functions log JSON: remove "logFormat" (deprecated in aws-cdk-lib too)',
  logRemovalPolicy: 'the log group Switchyard creates is removed with the stack: remove "logRemovalPolicy" (it configures the deprecated log-retention custom resource)',
  logRetentionRole: 'Switchyard sets retention on the log group it creates, without the log-retention custom resource: remove "logRetentionRole"',
  logRetentionRetryOptions: 'Switchyard sets retention on the log group it creates, without the log-retention custom resource: remove "logRetentionRetryOptions"',
  applicationLogLevel: 'use "applicationLogLevelV2" (the string form is deprecated in aws-cdk-lib)',
  systemLogLevel: 'use "systemLogLevelV2" (the string form is deprecated in aws-cdk-lib)',
} as const satisfies Partial<Record<keyof lambda.FunctionProps, string>>;

/**
 * Lambda options that name or wire one function: accepted per function, refused in
 * `functionDefaults`, with why.
 */
export const PER_FUNCTION_OPTIONS = {
  functionName: 'function names are unique in an account and region, so one name for every function cannot deploy',
  description: 'a description says what one function does',
  role: 'one role for every function would give each the grants of all (publishing, secrets); for an organization-wide limit use iam.PermissionsBoundary.of(app)',
  events: 'an event source given to every function would deliver each event to all of them',
  onSuccess: 'asynchronous invocation settings belong to one function, and subscriptions and schedules set them on their targets',
  onFailure: 'asynchronous invocation settings belong to one function, and subscriptions and schedules set them on their targets',
  maxEventAge: 'asynchronous invocation settings belong to one function, and subscriptions and schedules set them on their targets',
  retryAttempts: 'asynchronous invocation settings belong to one function, and subscriptions and schedules set them on their targets',
} as const satisfies Partial<Record<keyof lambda.FunctionOptions, string>>;

/** A Lambda option EventApp sets itself. */
export type OwnedFunctionOption = keyof typeof OWNED_FUNCTION_OPTIONS;
/** A Lambda option that is per function only. */
export type PerFunctionOption = keyof typeof PER_FUNCTION_OPTIONS;

/** The options of a function's asynchronous invocation, which subscriptions and schedules set on their targets. */
export const ASYNC_OPTIONS = ['onSuccess', 'onFailure', 'maxEventAge', 'retryAttempts'] as const;

/**
 * Throws a {@link ErrorCode.RESERVED_PROP} error for an option EventApp sets itself, or, in
 * `functionDefaults`, for an option that only makes sense per function.
 *
 * @param where how the user names the props: `functionDefaults` or `functions.PlaceOrder`
 */
export function checkFunctionOptions(scope: IConstruct, where: string, props: object, isDefaults: boolean): void {
  const given = props as Record<string, unknown>;
  const refused: Record<string, string> = isDefaults ? { ...OWNED_FUNCTION_OPTIONS, ...PER_FUNCTION_OPTIONS } : OWNED_FUNCTION_OPTIONS;
  const option = Object.keys(refused).find((name) => given[name] !== undefined);
  if (option === undefined) return;
  const perFunction = isDefaults && option in PER_FUNCTION_OPTIONS;
  throw new SwitchyardError({
    code: ErrorCode.RESERVED_PROP,
    problem: perFunction ? `${where}.${option} is set per function only` : `${where}.${option} is set by Switchyard itself`,
    scope,
    value: option,
    fix: perFunction ? `set "${option}" on the function that needs it: ${refused[option]}` : refused[option],
  });
}

/** The asynchronous invocation options `props` sets, if any. */
export function asyncOptionsOf(props: object): string[] {
  return ASYNC_OPTIONS.filter((name) => (props as Record<string, unknown>)[name] !== undefined);
}
