/**
 * The app model: a plain, JSON-serializable description of what a synthesized cloud assembly
 * deploys, with the intrinsics that matter already resolved. Everything that is not a
 * construct (the local runtime, diagrams, cost, guardrails) reads this, never the construct tree.
 */
import type { RoleModel, ResourcePolicyModel } from './types-iam';
import type { CustomResourceModel, UnservedResourceModel } from './types-inventory';
import type { FunctionLayerModel, FunctionUrlModel } from './types-lambda';
import type { ScheduleGroupModel, ScheduleModel } from './types-scheduler';
import type { ParameterModel, SecretModel } from './types-secrets';
import type { GlobalEndpointModel } from './types-endpoints';

export type { PolicyModel, ResourcePolicyModel, RoleModel } from './types-iam';
export type { CustomResourceModel, UnservedResourceModel } from './types-inventory';
export type { FunctionLayerModel, FunctionUrlModel } from './types-lambda';
export { SCHEDULER_RETRY_DEFAULTS, type ScheduleGroupModel, type ScheduleModel, type ScheduleTargetModel } from './types-scheduler';
export type { GenerateSecretStringModel, ParameterModel, SecretModel } from './types-secrets';
export type { GlobalEndpointModel } from './types-endpoints';

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
  /**
   * The name `switchyard dev` prints and every local command and API accepts (see `names.ts`):
   * the explicit physical name when the template sets one, else the declared construct id.
   */
  readonly displayName?: string;
  /** The function ARN in the local account and region. */
  readonly arn: string;
  /** Absolute path of the folder holding the deployed code (the asset folder); empty for inline code. */
  readonly codeDir: string;
  /** The template's inline code (`Code.ZipFile`), which Lambda deploys as `index.js`. */
  readonly inlineCode?: string;
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
  /** The function's layers (`Layers`), in the order Lambda extracts them into /opt. */
  readonly layers?: readonly FunctionLayerModel[];
  /** The execution role with its policies, which the local endpoint evaluates the function's calls against. */
  readonly role?: RoleModel;
  /** True when `VpcConfig` attaches the function to subnets: its calls may then carry `aws:SourceVpc` (through VPC endpoints). */
  readonly inVpc?: boolean;
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

/** A throttle: steady requests per second and burst (token bucket size). */
export interface ThrottleModel {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** A stage of a REST API (`AWS::ApiGateway::Stage`, or a `Deployment` with a `StageName`). */
export interface RestStageModel {
  readonly name: string;
  /** Stage variables (`stageVariables` in events). */
  readonly variables: Readonly<Record<string, string>>;
}

/** What a REST method's integration does locally. */
export type RestIntegrationModel =
  | {
      /** Lambda proxy integration: the function gets the REST proxy event. */
      readonly type: 'AWS_PROXY';
      readonly functionLogicalId: string;
      /** `TimeoutInMillis` (REST default 29000). */
      readonly timeoutMs: number;
    }
  | {
      /** API Gateway answers itself from the request template and the integration responses. */
      readonly type: 'MOCK';
      /** Content type -> VTL request template (it selects the status code). */
      readonly requestTemplates: Readonly<Record<string, string>>;
      readonly integrationResponses: readonly RestIntegrationResponseModel[];
    }
  | {
      /** An integration the local runtime does not run (HTTP, AWS service, VPC link, ...). */
      readonly type: 'NOT_SERVED';
      /** Why, for `dev`'s start-up list and the 501 answer: `HTTP_PROXY integration to https://...`. */
      readonly description: string;
    };

/** One `IntegrationResponses` entry of a MOCK integration. */
export interface RestIntegrationResponseModel {
  readonly statusCode: string;
  /** Regex over the integration's status code; absent for the default response. */
  readonly selectionPattern?: string;
  /** `method.response.header.X` -> `'literal'` or a request/integration expression. */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** Content type -> VTL response template. */
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** Lambda (`TOKEN` or `REQUEST`) authorizer of a REST API. */
export interface RestLambdaAuthModel {
  readonly type: 'TOKEN' | 'REQUEST';
  readonly authorizerLogicalId: string;
  /** The authorizer function's logical id ('' when it is not a local function: every request is refused with 500). */
  readonly functionLogicalId: string;
  /** `method.request.header.Authorization`, `method.request.querystring.x`, `stageVariables.x`, `context.x`. */
  readonly identitySource: readonly string[];
  /** TOKEN only: a token must match this regex, else 401 without calling the authorizer. */
  readonly identityValidationExpression?: string;
  /** `AuthorizerResultTtlInSeconds` (default 300, 0 disables caching). */
  readonly ttlSeconds: number;
}

/** Cognito user pool authorizer of a REST API. */
export interface RestCognitoAuthModel {
  readonly type: 'COGNITO_USER_POOLS';
  readonly authorizerLogicalId: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>` of each `ProviderARNs` pool. */
  readonly issuers: readonly string[];
  /** Ids of the app clients (`AWS::Cognito::UserPoolClient`) of those pools in the app, for development tokens. */
  readonly clientIds: readonly string[];
  readonly identitySource: readonly string[];
  /** The method's `AuthorizationScopes`: with scopes an access token carrying one is needed, else an ID token. */
  readonly scopes: readonly string[];
}

/** Who may call a REST method. */
export type RestAuthModel = RestLambdaAuthModel | RestCognitoAuthModel | { readonly type: 'AWS_IAM' };

/** One method of a REST API resource. */
export interface RestMethodModel extends ResourceRef {
  /** The local id of its resource (what `requestContext.resourceId` shows). */
  readonly resourceId: string;
  /** The resource path with its parameters: `/items/{id}`, `/{proxy+}`, `/`. */
  readonly resourcePath: string;
  /** `GET`, ..., or `ANY`. */
  readonly httpMethod: string;
  /** `<httpMethod> <resourcePath>`, the key routes are selected by. */
  readonly routeKey: string;
  readonly integration: RestIntegrationModel;
  /** Absent for `AuthorizationType: NONE`. */
  readonly auth?: RestAuthModel;
  readonly apiKeyRequired: boolean;
  /** The method's request validator, when it has one. */
  readonly validator?: { readonly body: boolean; readonly parameters: boolean };
  /** `RequestParameters` marked required: `method.request.querystring.x`, `method.request.header.x`, `method.request.path.x`. */
  readonly requiredParameters: readonly string[];
  /** Content type -> model name (`RequestModels`). */
  readonly requestModels: Readonly<Record<string, string>>;
}

/** A customized gateway response (`AWS::ApiGateway::GatewayResponse`). */
export interface GatewayResponseModel {
  /** `DEFAULT_4XX`, `UNAUTHORIZED`, ... */
  readonly responseType: string;
  readonly statusCode?: number;
  /** `gatewayresponse.header.X` -> `'literal'` or `method.request.header.Y`, ... */
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
}

/** An API key (`AWS::ApiGateway::ApiKey`). */
export interface ApiKeyModel extends ResourceRef {
  /** The local key id. */
  readonly id: string;
  readonly name: string;
  /** The template's `Value`; absent when API Gateway would generate one (the local runtime does too). */
  readonly value?: string;
  readonly enabled: boolean;
}

/** A usage plan as it applies to one REST API. */
export interface UsagePlanModel extends ResourceRef {
  readonly name: string;
  /** The stages of this API the plan covers, with per-method throttles keyed `/items/{id}/GET`. */
  readonly stages: ReadonlyArray<{ readonly stage: string; readonly methodThrottles: Readonly<Record<string, ThrottleModel>> }>;
  readonly throttle?: ThrottleModel;
  /** Requests per period; `offset` days into the period it starts (WEEK/MONTH). */
  readonly quota?: { readonly limit: number; readonly period: 'DAY' | 'WEEK' | 'MONTH'; readonly offset: number };
  readonly apiKeys: readonly ApiKeyModel[];
}

/** An API Gateway REST (v1) API. */
export interface RestApiModel extends ResourceRef {
  readonly name: string;
  /** A stable local API id. */
  readonly apiId: string;
  readonly stages: readonly RestStageModel[];
  readonly methods: readonly RestMethodModel[];
  /** Content types handled as binary (a wildcard such as `image/*` matches a family). */
  readonly binaryMediaTypes: readonly string[];
  /** Where API keys come from: the `x-api-key` header, or the authorizer's `usageIdentifierKey`. */
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  /** Request models by name: JSON Schema draft 4. */
  readonly models: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly gatewayResponses: readonly GatewayResponseModel[];
  readonly usagePlans: readonly UsagePlanModel[];
}

/** An EventBridge event bus (the account's `default` bus is always present). */
export interface EventBusModel {
  readonly name: string;
  readonly arn: string;
  /** Absent for the implicit default bus. */
  readonly logicalId?: string;
  readonly stack?: string;
  /**
   * The name `switchyard dev` prints and every local command and API accepts (see `names.ts`):
   * the explicit physical name when the template sets one, else the declared construct id.
   */
  readonly displayName?: string;
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
  /** `SqsParameters.MessageGroupId`: the message group of what a FIFO queue target is sent. */
  readonly messageGroupId?: string;
  /** The role EventBridge assumes to deliver (`RoleArn`): a bus target's principal, which the target bus's policy may name. */
  readonly roleArn?: string;
  /** That role with its policies, when the template declares it (a bus target's identity-based permission to put events there). */
  readonly role?: RoleModel;
  /**
   * Why the local runtime cannot deliver to this target (an SNS topic, a state machine, another
   * bus, an API destination...): its deliveries are recorded in the ledger as `undeliverable`
   * with this reason. Absent for functions and queues.
   */
  readonly notServed?: string;
}

/** An EventBridge rule: with an event pattern, a schedule, or both. */
export interface RuleModel extends ResourceRef {
  readonly name: string;
  /**
   * The name `switchyard dev` prints and every local command and API accepts (see `names.ts`):
   * the explicit physical name when the template sets one, else the declared construct id.
   */
  readonly displayName?: string;
  readonly arn: string;
  /** The name of the bus the rule is on. */
  readonly eventBusName: string;
  /**
   * The ARN of the bus the rule is on, in the rule's account and region (a bus of the same name
   * may be in several regions). @default the bus of that name in the app's default account and region
   */
  readonly eventBusArn?: string;
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
  /**
   * The name `switchyard dev` prints and every local command and API accepts (see `names.ts`):
   * the explicit physical name when the template sets one, else the declared construct id.
   */
  readonly displayName?: string;
  readonly arn: string;
  /** Seconds (SQS default 30). */
  readonly visibilityTimeoutSeconds: number;
  /** Seconds (SQS default 345600). */
  readonly messageRetentionSeconds: number;
  /** `MaximumMessageSize`: the largest message (body and attributes) the queue takes, in bytes. @default 1,048,576 (SQS's default and maximum) */
  readonly maximumMessageSizeBytes?: number;
  readonly fifo: boolean;
  /** FIFO queues: `ContentBasedDeduplication` (a message's deduplication id is its body's SHA-256). */
  readonly contentBasedDeduplication?: boolean;
  /** The queue's `RedrivePolicy`: where a message goes once it was received more than `maxReceiveCount` times. */
  readonly redrive?: QueueRedriveModel;
}

/** An SQS `RedrivePolicy`. */
export interface QueueRedriveModel {
  /** ARN of the dead-letter queue. */
  readonly deadLetterTargetArn: string;
  /** Receives after which the next receive moves the message to the dead-letter queue (1-1000). */
  readonly maxReceiveCount: number;
}

/** What a DynamoDB stream record holds besides the keys (`StreamSpecification.StreamViewType`). */
export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

/** A table's DynamoDB stream. */
export interface TableStreamModel {
  readonly viewType: StreamViewType;
  /** The stream's ARN (`LatestStreamArn`, what `Fn::GetAtt [Table, StreamArn]` answers). */
  readonly arn: string;
}

/** What an event source mapping reads. Kinesis, Kafka, MQ and DocumentDB sources are not served locally. */
export type EventSourceKind = 'sqs' | 'dynamodb';

/** An `AWS::Lambda::EventSourceMapping` whose source the local runtime serves (an SQS queue or a table's stream of the app). */
export interface EventSourceMappingModel extends ResourceRef {
  /** A stable local UUID (what Lambda calls the mapping's `UUID`). */
  readonly uuid: string;
  /** The name `switchyard dev` prints: the construct path's meaningful ids (`Orders/SqsEventSource`). */
  readonly displayName: string;
  readonly kind: EventSourceKind;
  /** The queue's ARN, or the stream's. */
  readonly eventSourceArn: string;
  /** The function's logical id. */
  readonly functionLogicalId: string;
  /** `Enabled` (default true): a disabled mapping does not poll. */
  readonly enabled: boolean;
  /** `BatchSize` (defaults: SQS 10, DynamoDB 100). */
  readonly batchSize: number;
  /** `MaximumBatchingWindowInSeconds` (default 0). */
  readonly maximumBatchingWindowInSeconds: number;
  /** True with `FunctionResponseTypes: [ReportBatchItemFailures]`. */
  readonly reportBatchItemFailures: boolean;
  /** `FilterCriteria.Filters[].Pattern`, parsed; a record passes when it matches any (none: every record passes). */
  readonly filters: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** SQS: `ScalingConfig.MaximumConcurrency` (2-1000). */
  readonly maximumConcurrency?: number;
  /** Streams: `StartingPosition` (`LATEST`, `TRIM_HORIZON`, `AT_TIMESTAMP`). */
  readonly startingPosition?: string;
  /** Streams: `StartingPositionTimestamp` (seconds), with `AT_TIMESTAMP`. */
  readonly startingPositionTimestamp?: number;
  /** Streams: `MaximumRetryAttempts` (-1, the default, retries until the record expires). */
  readonly maximumRetryAttempts: number;
  /** Streams: `MaximumRecordAgeInSeconds` (-1, the default, is the stream's 24-hour retention). */
  readonly maximumRecordAgeInSeconds: number;
  /** Streams: `BisectBatchOnFunctionError`. */
  readonly bisectBatchOnFunctionError: boolean;
  /** Streams: `ParallelizationFactor` (1-10, default 1): concurrent batches per shard, each item's records in order. */
  readonly parallelizationFactor: number;
  /** Streams: `DestinationConfig.OnFailure.Destination` (an SQS queue is what is served locally). */
  readonly onFailureArn?: string;
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
  /** The table's stream, when `StreamSpecification` enables one. */
  readonly stream?: TableStreamModel;
}

/** A stack output (`CfnOutput`), its value resolved as the local runtime deploys the app. */
export interface OutputModel {
  /** The stack's artifact id. */
  readonly stack: string;
  /** The output's logical id (`ApiUrl`). */
  readonly key: string;
  /** The resolved value; absent when it uses what cannot be resolved locally (see `unresolved`). */
  readonly value?: string;
  /** Why `value` is absent. */
  readonly unresolved?: string;
  readonly description?: string;
  readonly exportName?: string;
  /**
   * Set when the value is an attribute of a custom resource (`Fn::GetAtt [Seed, Attributes.id]`):
   * known only once the resource is created, so the local runtime fills `value` then.
   */
  readonly customResourceAttribute?: { readonly logicalId: string; readonly attribute: string };
}

/** The whole app, across every stack of the assembly. */
export interface AppModel {
  /** The assembly directory the model was read from (the first, when several were run together). */
  readonly assemblyDir: string;
  /** Every assembly directory, when several were run together (`dev --assembly a --assembly b`). */
  readonly assemblyDirs?: readonly string[];
  /** Region of the stacks not bound to one; a stack bound to a region names its resources in it. */
  readonly region: string;
  /** Account of the stacks not bound to one. */
  readonly accountId: string;
  readonly functions: readonly FunctionModel[];
  readonly httpApis: readonly HttpApiModel[];
  /** API Gateway REST (v1) APIs. */
  readonly restApis: readonly RestApiModel[];
  readonly eventBuses: readonly EventBusModel[];
  readonly rules: readonly RuleModel[];
  /** EventBridge Scheduler schedules. */
  readonly schedules?: readonly ScheduleModel[];
  /** EventBridge Scheduler schedule groups (the `default` group is always there). */
  readonly scheduleGroups?: readonly ScheduleGroupModel[];
  readonly queues: readonly QueueModel[];
  readonly tables: readonly TableModel[];
  /** Event source mappings from the app's SQS queues and table streams to its functions. */
  readonly eventSourceMappings?: readonly EventSourceMappingModel[];
  /** The stacks' outputs, in stack and template order. */
  readonly outputs?: readonly OutputModel[];
  /** Custom resources, in the order they are created. */
  readonly customResources?: readonly CustomResourceModel[];
  /** Lambda function URLs. */
  readonly functionUrls?: readonly FunctionUrlModel[];
  /** SSM parameters the templates declare, served by the local SSM API. */
  readonly parameters?: readonly ParameterModel[];
  /** Secrets Manager secrets the templates declare, served by the local Secrets Manager API. */
  readonly secrets?: readonly SecretModel[];
  /** Resource-based policies (queue policies, secrets' resource policies, bus policies, function permissions). */
  readonly resourcePolicies?: readonly ResourcePolicyModel[];
  /** EventBridge global endpoints, each routing PutEvents to its primary or secondary region's bus. */
  readonly globalEndpoints?: readonly GlobalEndpointModel[];
  /** Every resource `dev` does not serve, with what that means for the app, by type then name. */
  readonly unserved?: readonly UnservedResourceModel[];
  /** How many resources of each type have nothing to run locally (IAM roles, log groups, alarms...). */
  readonly nothingToRun?: Readonly<Record<string, number>>;
}
