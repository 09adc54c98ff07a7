import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BundledCode } from '../../bundling';
import { ENTRY_METADATA_KEY } from '../../bundling/code';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { AppFunctionProps, ExistingFunctionOptions, FunctionDefaults, FunctionSource } from '../function';
import { checkEnvironment } from './environment';
import { checkFunctionOptions } from './function-options';
import { isPythonEntry, pythonFunctionCode } from './python-function';
import { grantSecrets, warnOnCredentials } from './secrets';
import { checkDuration, checkRange } from './validation';

const DEFAULT_TIMEOUT = Duration.seconds(10);
const MAX_TIMEOUT = Duration.minutes(15);

/** Every way a function can be declared by name. */
export type FunctionDeclaration = FunctionSource | ExistingFunctionOptions;

/** True when `source` is an existing function rather than something to create. */
export function isFunction(source: unknown): source is lambda.IFunction {
  return typeof source === 'object' && source !== null && 'functionArn' in source;
}

/** True for `{ function, ... }`: an existing function with the options that still apply. */
export function isExistingFunction(source: FunctionDeclaration): source is ExistingFunctionOptions {
  return typeof source === 'object' && 'function' in source;
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
 * Creates a function with Switchyard's defaults (arm64, JSON logs in a log group with
 * retention, active tracing) and every other Lambda option passed through as given: a bundled
 * Node.js function on the current LTS runtime, or for a `.py` entry a Python function on the
 * current Python runtime, packaged with its requirements (see python-function.ts).
 */
export function createFunction(scope: Construct, id: string, props: AppFunctionProps, defaults: FunctionDefaults = {}): CreatedFunction {
  checkFunctionOptions(scope, `functions.${id}`, props, false);
  const merged: AppFunctionProps = { ...defaults, ...props, environment: { ...defaults.environment, ...props.environment } };
  const timeout = merged.timeout ?? DEFAULT_TIMEOUT;
  checkProps(scope, id, merged, timeout);
  // What Switchyard handles itself is taken out; everything else goes to lambda.Function as is.
  const { entry, handler, bundling, logRetention, logEncryptionKey, secrets, ...rest } = merged;
  const { publishes: _publishes, deployment: _deployment, provisionedConcurrency: _provisioned, idempotency: _idempotency, runtime: _runtime, ...lambdaOptions } = rest;
  const { code, handlerName, runtime } = codeOf(scope, id, props, defaults, lambdaOptions.architecture);
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    encryptionKey: logEncryptionKey,
  });
  const environment: Record<string, string> = { ...merged.environment };
  if (bundling?.sourceMap && !isPythonEntry(entry)) environment.NODE_OPTIONS = ['--enable-source-maps', environment.NODE_OPTIONS].filter(Boolean).join(' ');

  const fn = new lambda.Function(scope, id, {
    ...lambdaOptions,
    code,
    handler: handlerName,
    runtime,
    architecture: lambdaOptions.architecture ?? lambda.Architecture.ARM_64,
    memorySize: lambdaOptions.memorySize ?? 256,
    timeout,
    environment,
    tracing: lambdaOptions.tracing ?? lambda.Tracing.ACTIVE,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
  });
  // Tools that run the app from its template (`switchyard dev --watch`) watch the entry's folder.
  if (isPythonEntry(entry)) (fn.node.defaultChild as lambda.CfnFunction).addMetadata(ENTRY_METADATA_KEY, path.relative(process.cwd(), path.resolve(entry)).split(path.sep).join('/'));
  warnOnCredentials(fn, environment);
  if (secrets) grantSecrets(fn, secrets);
  return { fn, logGroup, timeout };
}

/**
 * The code, Lambda handler and runtime of a function: a Python package for a `.py` entry (an
 * app-wide Node.js runtime in `functionDefaults` does not apply to it), else an esbuild bundle.
 */
function codeOf(scope: Construct, id: string, props: AppFunctionProps, defaults: FunctionDefaults, architecture: lambda.Architecture | undefined): { code: lambda.Code; handlerName: string; runtime: lambda.Runtime } {
  if (isPythonEntry(props.entry)) {
    if (props.bundling) {
      throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: `bundling of ${id} applies to TypeScript and JavaScript entries, not to a Python module`, scope, value: Object.keys(props.bundling), fix: 'remove "bundling": a Python entry is packaged with its folder and the requirements.txt beside it' });
    }
    const runtime = props.runtime ?? (defaults.runtime?.family === lambda.RuntimeFamily.PYTHON ? defaults.runtime : undefined);
    const python = pythonFunctionCode(scope, id, props.entry, props.handler, runtime, architecture);
    return { code: python.code, handlerName: python.handler, runtime: python.runtime };
  }
  const runtime = props.runtime ?? defaults.runtime ?? lambda.Runtime.NODEJS_24_X;
  if (runtime.family === lambda.RuntimeFamily.PYTHON) {
    throw new SwitchyardError({ code: ErrorCode.UNSUPPORTED_RUNTIME, problem: `runtime of ${id} cannot run its entry, which is not a Python module`, scope, value: runtime.name, fix: `give a .py entry for a Python function, or set "runtime" to a Node.js runtime (the default is ${lambda.Runtime.NODEJS_24_X.name})` });
  }
  const code = new BundledCode(props.entry, props.bundling ?? defaults.bundling, runtime);
  return { code, handlerName: code.handlerFor(props.handler), runtime };
}

// An export name: Lambda's `file.export` form would become `index.file.export`.
const EXPORT_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The checks Lambda or the bundle would only fail at deploy or on the first invocation. */
function checkProps(scope: Construct, id: string, props: AppFunctionProps, timeout: Duration): void {
  const entryPath = path.resolve(props.entry);
  if (!Token.isUnresolved(props.entry) && !fs.existsSync(entryPath)) {
    throw new SwitchyardError({
      code: ErrorCode.ENTRY_NOT_FOUND,
      problem: 'Handler entry file not found',
      scope,
      value: props.entry,
      fix: `create ${entryPath} or set "entry" to an existing file (relative paths resolve from ${process.cwd()})`,
    });
  }
  if (props.handler !== undefined && !EXPORT_NAME.test(props.handler)) {
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: `handler of ${id} is not the name of an export`,
      scope,
      value: props.handler,
      fix: `set "handler" to the exported function's name (e.g. "${props.handler.split('.').pop() || 'handler'}"); the file is "entry"`,
    });
  }
  checkDuration(scope, `${id}.timeout`, timeout, Duration.seconds(1), MAX_TIMEOUT);
  checkRange(scope, `${id}.memorySize`, props.memorySize, 128, 10240, ' MB');
  checkRange(scope, `${id}.reservedConcurrentExecutions`, props.reservedConcurrentExecutions, 0, 1000000);
  checkEnvironment(scope, id, props.environment ?? {});
}
