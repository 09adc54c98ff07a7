import { Annotations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';

/** Environment variable holding the app bus's name in functions that publish. */
export const BUS_NAME_ENV = 'SWITCHYARD_BUS_NAME';

/** True for a function defined in this app, whose configuration can still be changed. */
export function isDefinedHere(fn: lambda.IFunction): fn is lambda.Function {
  return fn instanceof lambda.Function;
}

/**
 * Adds variables to a function defined in this app. An imported function's configuration
 * cannot be changed from here, so a warning names what to set where it is defined.
 *
 * @param fix what to set, in words, for the warning (values may be tokens known only at deploy)
 */
export function setEnvironment(fn: lambda.IFunction, variables: Readonly<Record<string, string>>, fix: string): void {
  if (isDefinedHere(fn)) {
    for (const [name, value] of Object.entries(variables)) fn.addEnvironment(name, value);
    return;
  }
  Annotations.of(fn).addWarningV2(
    'switchyard:environmentNotSet',
    `${fn.node.path} is not a lambda.Function of this app, so its environment cannot be set here and it lacks ${Object.keys(variables).join(', ')}. Fix: ${fix}`,
  );
}

// Lambda's rules for variable names, and the names its runtime sets and refuses to override.
const ENV_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** Throws unless every variable name is one Lambda accepts and does not set itself. */
export function checkEnvironment(scope: IConstruct, id: string, environment: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(environment)) {
    if (!ENV_NAME.test(name) || RESERVED_ENV.has(name)) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_PROPS,
        problem: RESERVED_ENV.has(name) ? `Environment variable of ${id} is reserved by Lambda` : `Invalid environment variable name for ${id}`,
        scope,
        value: name,
        fix: RESERVED_ENV.has(name)
          ? 'choose another name; Lambda sets this one itself'
          : 'use at least two characters: a letter, then letters, digits or underscores',
      });
    }
  }
}
