import type { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { BundlingOptions } from '../bundling';
import type { ProvisionedConcurrencyOptions, SafeDeploymentOptions } from './deployment';
import type { SecretSource } from './secrets';

/** Settings every function of an app starts from; each can be overridden per function. */
export interface FunctionDefaults {
  /**
   * Lambda runtime.
   * @default lambda.Runtime.NODEJS_24_X (current Node.js LTS)
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

/** A function to create from a handler entry file. */
export interface AppFunctionProps extends FunctionDefaults {
  /** Path of the handler file (TypeScript or JavaScript), relative to the working directory. */
  readonly entry: string;
  /**
   * Name of the exported handler.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * Let the function publish to the app's bus: sets `SWITCHYARD_BUS_NAME` and grants
   * `events:PutEvents` on that bus only.
   * @default false
   */
  readonly publishes?: boolean;
  /**
   * A description of the function.
   * @default - none
   */
  readonly description?: string;
  /**
   * Secrets the function may read, by the name the handler uses with `getSecret(name)`: a
   * Secrets Manager secret name, `{ secretName }`, `{ parameterName }` (SSM SecureString) or
   * an `ISecret`. The function gets read access to exactly these, and their names or ARNs in
   * `SWITCHYARD_SECRETS`; never their values.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, SecretSource>>;
}

/**
 * A function given to a route, subscription or schedule: an entry path, props to create one,
 * or an existing function (by reference: `lambda.Function.fromFunctionArn` works too).
 */
export type FunctionSource = string | AppFunctionProps | lambda.IFunction;
