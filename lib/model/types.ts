/**
 * The app model: a plain, JSON-serializable description of what a synthesized cloud assembly
 * deploys, with the intrinsics that matter already resolved. Everything that is not a
 * construct (the local runtime, diagrams, cost, guardrails) reads this, never the construct tree.
 */

/** Where a model element came from in the assembly. */
export interface ResourceRef {
  /** The stack's artifact id in manifest.json (e.g. `ShopStack`). */
  readonly stack: string;
  /** The CloudFormation logical id in that stack's template. */
  readonly logicalId: string;
}

/** Async invocation settings of a function (`AWS::Lambda::EventInvokeConfig` and `DeadLetterConfig`). */
export interface AsyncInvokeConfig {
  /** Retries after the first failed attempt. Lambda's default is 2. */
  readonly maximumRetryAttempts: number;
  /** Oldest age of an event before it is discarded or dead-lettered, in seconds. Lambda's default is 21600. */
  readonly maximumEventAgeInSeconds: number;
  /** ARN of the on-failure destination (an SQS queue is the only kind served locally). */
  readonly onFailureArn?: string;
  /** ARN of the on-success destination. */
  readonly onSuccessArn?: string;
  /** ARN of the function's `DeadLetterConfig.TargetArn`. */
  readonly deadLetterArn?: string;
}

/** Where a function's source entry is, when the constructs recorded it in template metadata. */
export interface FunctionSource {
  /** Absolute path of the handler's source entry (from `switchyard:entry`). */
  readonly entry: string;
  /** The esbuild options the constructs bundled it with (from `switchyard:bundling`). */
  readonly bundling?: Readonly<Record<string, unknown>>;
}

/** A Lambda function. */
export interface FunctionModel extends ResourceRef {
  /** The function name: `FunctionName` if set, else one derived from the stack and logical id as CloudFormation would. */
  readonly name: string;
  /** The function ARN in the local account and region. */
  readonly arn: string;
  /** Absolute path of the folder holding the deployed code (the asset folder). */
  readonly codeDir: string;
  /** The `Handler` string, e.g. `index.handler`. */
  readonly handler: string;
  /** The `Runtime`, e.g. `nodejs24.x`. */
  readonly runtime: string;
  /** Environment variables with intrinsics resolved to local values. */
  readonly environment: Readonly<Record<string, string>>;
  /** Timeout in seconds (CloudFormation default 3). */
  readonly timeoutSeconds: number;
  /** Memory in MB (CloudFormation default 128). */
  readonly memoryMb: number;
  /** `ReservedConcurrentExecutions`, when set. */
  readonly reservedConcurrency?: number;
  /** Async invocation settings (defaults applied). */
  readonly asyncConfig: AsyncInvokeConfig;
  /** The handler's source, when the assembly recorded it (enables hot reload). */
  readonly source?: FunctionSource;
}

/** CORS configuration of an HTTP API (`CorsConfiguration`). */
export interface CorsModel {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly allowCredentials: boolean;
  /** Seconds; absent when not configured. */
  readonly maxAge?: number;
}

/** One route of an HTTP API. */
export interface RouteModel extends ResourceRef {
  /** The route key: `GET /items/{id}`, `ANY /{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** The function the integration invokes (its logical id). */
  readonly functionLogicalId: string;
  /** The integration's payload format version. */
  readonly payloadFormatVersion: '1.0' | '2.0';
  /** Integration timeout in milliseconds (HTTP API default and maximum: 30000). */
  readonly timeoutMs: number;
  /** Who may call the route; absent for `AuthorizationType: NONE`. */
  readonly auth?: RouteAuthModel;
}

/** A route's JWT authorizer, with the route's scopes. */
export interface JwtAuthModel {
  readonly type: 'JWT';
  /** The authorizer's logical id. */
  readonly authorizerLogicalId: string;
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Selection expressions, e.g. `$request.header.Authorization`. */
  readonly identitySource: readonly string[];
  /** The route's `AuthorizationScopes`: a token needs at least one (none: any valid token). */
  readonly scopes: readonly string[];
}

/** A route's Lambda (`REQUEST`) authorizer. */
export interface LambdaAuthModel {
  readonly type: 'CUSTOM';
  readonly authorizerLogicalId: string;
  /** The authorizer function's logical id. */
  readonly functionLogicalId: string;
  readonly identitySource: readonly string[];
  /** `AuthorizerResultTtlInSeconds` (0: no caching). */
  readonly ttlSeconds: number;
  readonly simpleResponses: boolean;
  readonly payloadFormatVersion: '1.0' | '2.0';
}

/** Who may call a route: a JWT or Lambda authorizer, or SigV4 (`AWS_IAM`). */
export type RouteAuthModel = JwtAuthModel | LambdaAuthModel | { readonly type: 'AWS_IAM' };

/** An API Gateway HTTP API. */
export interface HttpApiModel extends ResourceRef {
  /** The API's `Name`. */
  readonly name: string;
  /** A stable local API id. */
  readonly apiId: string;
  /** The stage names; `$default` serves at the root. */
  readonly stages: readonly string[];
  readonly routes: readonly RouteModel[];
  readonly cors?: CorsModel;
}

/** An EventBridge event bus (the account's `default` bus is always present). */
export interface EventBusModel {
  readonly name: string;
  readonly arn: string;
  /** Absent for the implicit default bus. */
  readonly logicalId?: string;
  readonly stack?: string;
}

/** `InputTransformer` of a rule target. */
export interface InputTransformerModel {
  readonly inputPathsMap: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/** One target of a rule. */
export interface RuleTargetModel {
  /** The target `Id`. */
  readonly id: string;
  /** The target ARN (a function ARN is what is served locally). */
  readonly arn: string;
  /** Retries after the first attempt (EventBridge default 185). */
  readonly maximumRetryAttempts: number;
  /** Seconds (EventBridge default 86400). */
  readonly maximumEventAgeInSeconds: number;
  /** ARN of the target's dead-letter queue. */
  readonly deadLetterArn?: string;
  /** Constant JSON text sent instead of the event. */
  readonly input?: string;
  /** JSONPath of the part of the event to send. */
  readonly inputPath?: string;
  readonly inputTransformer?: InputTransformerModel;
}

/** An EventBridge rule: with an event pattern, a schedule, or both. */
export interface RuleModel extends ResourceRef {
  readonly name: string;
  readonly arn: string;
  /** The name of the bus the rule is on. */
  readonly eventBusName: string;
  readonly eventPattern?: Readonly<Record<string, unknown>>;
  /** `rate(...)` or `cron(...)`. */
  readonly scheduleExpression?: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly description?: string;
  readonly targets: readonly RuleTargetModel[];
}

/** An SQS queue. */
export interface QueueModel extends ResourceRef {
  readonly name: string;
  readonly arn: string;
  /** Seconds (SQS default 30). */
  readonly visibilityTimeoutSeconds: number;
  /** Seconds (SQS default 345600). */
  readonly messageRetentionSeconds: number;
  readonly fifo: boolean;
}

/** A DynamoDB table (served locally in memory, for the handlers that use one). */
export interface TableModel extends ResourceRef {
  readonly name: string;
  readonly arn: string;
  /** Partition key attribute name. */
  readonly partitionKey: string;
  /** Sort key attribute name, when the table has one. */
  readonly sortKey?: string;
  /** The table's key schema, as in the template. */
  readonly keySchema: ReadonlyArray<{ readonly AttributeName: string; readonly KeyType: string }>;
  /** Types of the key attributes (of the table and its indexes), as in the template. */
  readonly attributeDefinitions: ReadonlyArray<{ readonly AttributeName: string; readonly AttributeType: string }>;
  /** Global secondary indexes, as in the template (IndexName, KeySchema, Projection). */
  readonly globalSecondaryIndexes?: ReadonlyArray<Record<string, unknown>>;
  /** Local secondary indexes, as in the template. */
  readonly localSecondaryIndexes?: ReadonlyArray<Record<string, unknown>>;
}

/** The whole app, across every stack of the assembly. */
export interface AppModel {
  /** The assembly directory the model was read from. */
  readonly assemblyDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly functions: readonly FunctionModel[];
  readonly httpApis: readonly HttpApiModel[];
  readonly eventBuses: readonly EventBusModel[];
  readonly rules: readonly RuleModel[];
  readonly queues: readonly QueueModel[];
  readonly tables: readonly TableModel[];
}
