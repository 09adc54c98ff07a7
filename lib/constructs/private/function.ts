import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BundledCode } from '../../bundling';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { AppFunctionProps, FunctionDefaults, FunctionSource } from '../function';
import { grantSecrets, warnOnCredentials } from './secrets';
import { checkDuration, checkRange } from './validation';

/** Environment variable holding the app bus's name in functions that publish. */
export const BUS_NAME_ENV = 'SWITCHYARD_BUS_NAME';

const DEFAULT_TIMEOUT = Duration.seconds(10);
const MAX_TIMEOUT = Duration.minutes(15);

/** True when `source` is an existing function rather than something to create. */
export function isFunction(source: FunctionSource): source is lambda.IFunction {
  return typeof source === 'object' && 'functionArn' in source;
}

/** A `FunctionSource` that creates a function, as props. */
export function toProps(source: string | AppFunctionProps): AppFunctionProps {
  return typeof source === 'string' ? { entry: source } : source;
}

/** What {@link createFunction} made. */
export interface CreatedFunction {
  /** The function. */
  readonly fn: lambda.Function;
  /** Its log group, with the configured retention. */
  readonly logGroup: logs.LogGroup;
  /** Its timeout, for checks such as API Gateway's 30 s integration limit. */
  readonly timeout: Duration;
}

/**
 * Creates a bundled Node.js function with Switchyard's defaults: current LTS runtime, arm64,
 * JSON logs in a log group with retention, active tracing.
 */
export function createFunction(scope: Construct, id: string, props: AppFunctionProps, defaults: FunctionDefaults = {}): CreatedFunction {
  const merged = { ...defaults, ...props, environment: { ...defaults.environment, ...props.environment } };
  const entryPath = path.resolve(merged.entry);
  if (!Token.isUnresolved(merged.entry) && !fs.existsSync(entryPath)) {
    throw new SwitchyardError({
      code: ErrorCode.ENTRY_NOT_FOUND,
      problem: 'Handler entry file not found',
      scope,
      value: merged.entry,
      fix: `create ${entryPath} or set "entry" to an existing file (relative paths resolve from ${process.cwd()})`,
    });
  }
  const timeout = merged.timeout ?? DEFAULT_TIMEOUT;
  checkDuration(scope, `${id}.timeout`, timeout, Duration.seconds(1), MAX_TIMEOUT);
  checkRange(scope, `${id}.memorySize`, merged.memorySize, 128, 10240, ' MB');
  checkRange(scope, `${id}.reservedConcurrentExecutions`, merged.reservedConcurrentExecutions, 0, 1000000);

  checkEnvironment(scope, id, merged.environment);

  const runtime = merged.runtime ?? lambda.Runtime.NODEJS_24_X;
  const code = new BundledCode(merged.entry, merged.bundling, runtime);
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: merged.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    encryptionKey: merged.logEncryptionKey,
  });
  const environment: Record<string, string> = { ...merged.environment };
  if (merged.bundling?.sourceMap) environment.NODE_OPTIONS = ['--enable-source-maps', environment.NODE_OPTIONS].filter(Boolean).join(' ');

  const fn = new lambda.Function(scope, id, {
    code,
    handler: code.handlerFor(merged.handler),
    runtime,
    architecture: merged.architecture ?? lambda.Architecture.ARM_64,
    memorySize: merged.memorySize ?? 256,
    timeout,
    environment,
    description: merged.description,
    tracing: merged.tracing ?? lambda.Tracing.ACTIVE,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
    reservedConcurrentExecutions: merged.reservedConcurrentExecutions,
  });
  warnOnCredentials(fn, environment);
  if (props.secrets) grantSecrets(fn, props.secrets);
  return { fn, logGroup, timeout };
}

// Lambda's rules for variable names, and the names its runtime sets and refuses to override.
const ENV_NAME = /^[a-zA-Z][a-zA-Z0-9_]+$/;
const RESERVED_ENV = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

function checkEnvironment(scope: Construct, id: string, environment: Record<string, string>): void {
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
