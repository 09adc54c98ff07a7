import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { BundlingOptions } from '../bundling';
import type { ProvisionedConcurrencyOptions, SafeDeploymentOptions } from './deployment';
import type { OwnedFunctionOption, PerFunctionOption } from './private/function-options';
import type { SecretSource } from './secrets';

/**
 * Settings every function of an app starts from; each can be overridden per function.
 *
 * Every option of aws-cdk-lib's `lambda.FunctionOptions` passes through with its own
 * documentation (`vpc`, `securityGroups`, `layers`, `ephemeralStorageSize`,
 * `environmentEncryption`, `deadLetterQueue`, `applicationLogLevelV2`, `filesystem`, ...),
 * except:
 *
 * - what Switchyard sets itself: the code (built from `entry`), the log group (`logRetention`
 *   and `logEncryptionKey` configure it) and the JSON logging format;
 * - what names or wires one function (`functionName`, `description`, `role`, `events`, and the
 *   asynchronous invocation options): per function only, see `AppFunctionProps`.
 *
 * Passing one of those from JavaScript anyway fails synth with `[SY161]`, naming the fix.
 *
 * @example
 * new EventApp(stack, 'Shop', {
 *   functionDefaults: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, securityGroups: [appSg] },
 * });
 */
export interface FunctionDefaults extends Omit<lambda.FunctionOptions, OwnedFunctionOption | PerFunctionOption | 'logRetention'> {
  /**
   * Lambda runtime. An app-wide Node.js runtime given in `functionDefaults` applies to
   * TypeScript and JavaScript entries only.
   * @default lambda.Runtime.NODEJS_24_X (current Node.js LTS); lambda.Runtime.PYTHON_3_14 for a `.py` entry
   */
  readonly runtime?: lambda.Runtime;
  /**
   * Instruction set architecture.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * Memory in MB (128 to 10240).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Maximum run time of one invocation (at most 15 minutes).
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Environment variables, merged under each function's own.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's log group keeps logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A customer-managed KMS key for the function's log group (its key policy must let CloudWatch
   * Logs use it; `EventApp`'s `encryptionKey` sees to that).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * X-Ray tracing mode.
   * @default lambda.Tracing.ACTIVE
   */
  readonly tracing?: lambda.Tracing;
  /**
   * Concurrent executions reserved for the function (and its ceiling).
   * @default - no reservation: the function shares the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Safe deployment through a live alias and CodeDeploy: `true` for a 10% canary for 5
   * minutes with rollback on the function's errors alarm, or options; `false` turns off an
   * app-wide default for one function.
   * @default - none: routes and rules invoke the function's latest code directly
   */
  readonly deployment?: SafeDeploymentOptions | boolean;
  /**
   * Provisioned concurrency on the function's live alias, with target-tracking scaling.
   * @default - none
   */
  readonly provisionedConcurrency?: ProvisionedConcurrencyOptions;
  /**
   * esbuild settings.
   * @default - ESM, minified, AWS SDK v3 external (see `BundlingOptions`)
   */
  readonly bundling?: BundlingOptions;
}

/**
 * A function to create from a handler entry file: the app's `functionDefaults`, overridden by
 * these, plus the Lambda options that belong to one function (`functionName`, `description`,
 * `role`, `events`, and `onSuccess`/`onFailure`/`maxEventAge`/`retryAttempts` for a function
 * invoked asynchronously by something other than a subscription or schedule, which configure
 * those themselves).
 *
 * @example
 * app.addFunction('Resize', {
 *   entry: 'lambdas/resize.ts',
 *   functionName: 'shop-resize',
 *   memorySize: 1024,
 *   ephemeralStorageSize: Size.gibibytes(2),
 *   layers: [sharpLayer],
 *   role: resizeRole,
 * });
 */
export interface AppFunctionProps extends FunctionDefaults, Pick<lambda.FunctionOptions, PerFunctionOption> {
  /**
   * Path of the handler file, relative to the working directory: TypeScript or JavaScript
   * (bundled by esbuild), or a Python module (`lambdas/report/app.py`: its folder is the
   * package, with the packages of a `requirements.txt` beside it installed at synth).
   */
  readonly entry: string;
  /**
   * Name of the exported handler function, or of the Python function (not Lambda's
   * `file.export` form: the file is `entry`).
   * @default 'handler'; 'lambda_handler' for a Python entry
   */
  readonly handler?: string;
  /**
   * Let the function publish to the app's bus: sets `SWITCHYARD_BUS_NAME` and grants
   * `events:PutEvents` on that bus only.
   * @default false
   */
  readonly publishes?: boolean;
  /**
   * Secrets the function may read, by the name the handler uses with `getSecret(name)`: a
   * Secrets Manager secret name, `{ secretName }`, `{ parameterName }` (SSM SecureString) or
   * an `ISecret`. The function gets read access to exactly these, and their names or ARNs in
   * `SWITCHYARD_SECRETS`; never their values.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, SecretSource>>;
  /**
   * Let the function keep idempotency records for `idempotent()` of `switchyard/runtime`:
   * `GetItem`, `PutItem`, `UpdateItem` and `DeleteItem` on the app's idempotency table only
   * (created with the first function that asks), and its name in `SWITCHYARD_IDEMPOTENCY_TABLE`.
   * @default - the app's `idempotency` (off unless set there)
   */
  readonly idempotency?: boolean;
}

/**
 * A function defined elsewhere (your own `NodejsFunction`, or one imported with
 * `lambda.Function.fromFunctionArn`), declared in the app by name with what Switchyard can
 * still give it:
 *
 * - `publishes` and `secrets`: their grants on the function's role (its `grantPrincipal`), and
 *   their environment variables when the function is defined in this app (a `lambda.Function`);
 *   for an imported function a synth warning names the variables to set where it is defined;
 * - alarms and a dashboard row, as every function of the app has;
 * - `environment`, `deployment` and `provisionedConcurrency` for a `lambda.Function` of this
 *   app only: an imported function or an alias fails synth with `[SY162]`.
 *
 * `functionDefaults` do not apply: the function is configured where it is defined.
 *
 * @example
 * const legacy = new NodejsFunction(stack, 'Legacy', { entry: 'legacy/handler.ts' });
 * app.addFunction('Legacy', { function: legacy, publishes: true, secrets: { apiKey: 'shop/api-key' } });
 * app.addRoute('GET /legacy', 'Legacy');
 */
export interface ExistingFunctionOptions {
  /** The function. */
  readonly function: lambda.IFunction;
  /**
   * Let the function publish to the app's bus: `events:PutEvents` on that bus only, and the
   * bus name in `SWITCHYARD_BUS_NAME`.
   * @default false
   */
  readonly publishes?: boolean;
  /**
   * Secrets the function may read with `getSecret(name)`, as in `AppFunctionProps.secrets`.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, SecretSource>>;
  /**
   * Environment variables to add (a `lambda.Function` of this app only).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Safe deployment through a live alias, as in `FunctionDefaults.deployment` (a
   * `lambda.Function` of this app only).
   * @default - none
   */
  readonly deployment?: SafeDeploymentOptions | boolean;
  /**
   * Provisioned concurrency on the function's live alias (a `lambda.Function` of this app only).
   * @default - none
   */
  readonly provisionedConcurrency?: ProvisionedConcurrencyOptions;
  /**
   * Access to the app's idempotency records, as in `AppFunctionProps.idempotency`.
   * @default - the app's `idempotency`
   */
  readonly idempotency?: boolean;
}

/**
 * A function given to a route, subscription or schedule: a declared function's name, an entry
 * path, props to create one, or an existing function (by reference:
 * `lambda.Function.fromFunctionArn` works too), which is then declared under the route's or
 * rule's name and gets the app's alarms. Declare it with `addFunction(name, { function, ... })`
 * first to give it publishing, secrets or safe deployment.
 */
export type FunctionSource = string | AppFunctionProps | lambda.IFunction;
